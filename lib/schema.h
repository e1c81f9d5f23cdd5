/*
 * schema.h: the schema's migrations (schema.c).
 */
#ifndef THADS_SCHEMA_H
#define THADS_SCHEMA_H

/* The user_version of a database with every migration applied. */
int	thads_schema_version(void);

/* The SQL that takes a database from version from to from + 1, or NULL. */
const char *thads_schema_migration(int from);

#endif /* THADS_SCHEMA_H */
