/*
 * alert_schema.h: the tables of thads-alert, as one schema migration.
 *
 * schema.c lists thads_schema_alert as migration 2.  thads-alert also
 * creates the tables itself when it opens, read-write, a database that
 * lacks them (thads_alert_schema_ensure()); every statement is
 * CREATE ... IF NOT EXISTS so that both ways give the same database.
 *
 *	alert_seen		the alerts already emitted, for --new-only
 *	alert_ack		the alerts an officer acknowledged
 *	sentence_override	dates set by an officer, with a reason
 */
#ifndef THADS_ALERT_SCHEMA_H
#define THADS_ALERT_SCHEMA_H

extern const char thads_schema_alert[];

#endif /* THADS_ALERT_SCHEMA_H */
