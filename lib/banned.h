/*
 * banned.h: calls that the THADS sources must not use, turned into
 * compile errors.  Each has a bounded or checked replacement: snprintf
 * for sprintf, a length-checked copy for strcpy and strcat, an explicit
 * scanner for strtok, thads_parse_long() for atoi, and the _r forms for
 * gmtime and localtime.  Include it after the system headers.
 */
#ifndef THADS_BANNED_H
#define THADS_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif /* THADS_BANNED_H */
