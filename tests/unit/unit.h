/*
 * unit.h: what every unit test includes.  The tests use cmocka; its
 * header needs these system headers first.
 */
#ifndef THADS_UNIT_H
#define THADS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif /* THADS_UNIT_H */
