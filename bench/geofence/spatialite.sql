-- The SpatiaLite peer of bench/geofence: the zone tests of the check
-- run (each fix against every zone of its person) as one SQL query.
-- Run by bench/geofence/run in the workload's directory, with
-- zones.tsv (name, WKT), assign.csv and fixes.csv there:
--
--	sqlite3 peer.db < spatialite.sql
--
-- The shell's timer gives each step's real, user and system time.
.bail on
SELECT load_extension('mod_spatialite');
CREATE TABLE zone_wkt (name TEXT, wkt TEXT);
CREATE TABLE assign (person TEXT, zone TEXT);
CREATE TABLE fix (id TEXT, time TEXT, lat REAL, lon REAL, accuracy REAL,
    battery INTEGER, tamper INTEGER);
.mode tabs
.import zones.tsv zone_wkt
.mode csv
.import --skip 1 assign.csv assign
.timer on
-- step 1: load the fixes from CSV
.import --skip 1 fixes.csv fix
-- step 2: the zones as SpatiaLite geometries, indexed by name
CREATE TABLE zone AS SELECT name, GeomFromText(wkt, 4326) AS geom
    FROM zone_wkt;
CREATE UNIQUE INDEX zone_name ON zone (name);
CREATE INDEX assign_person ON assign (person);
-- step 3: the containment tests
SELECT count(*) AS tests, sum(ST_Contains(z.geom, MakePoint(f.lon, f.lat,
    4326))) AS inside
    FROM fix f JOIN assign a ON a.person = f.id JOIN zone z ON z.name = a.zone;
