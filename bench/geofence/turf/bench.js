// The Turf.js peer of bench/geofence: the zone tests of the check run
// (each fix against every zone of its person), with
// booleanPointInPolygon.  Two timings, on the CPU clock of the process:
//
//   stream  read fixes.csv line by line and test each fix (CSV to
//           results, like thads-geofence check without the database)
//   memory  the tests of the first N fixes, held in arrays, in fix order
//
// node bench.js DIR [N]
'use strict';
const fs = require('fs');
const readline = require('readline');
const { booleanPointInPolygon } = require('@turf/boolean-point-in-polygon');

const dir = process.argv[2];
const nmem = Number(process.argv[3] || 1000000);

function cpu() {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
}

async function main() {
	let t0 = cpu();
	const fc = JSON.parse(fs.readFileSync(dir + '/zones.geojson', 'utf8'));
	const byPerson = new Map();
	for (const f of fc.features) {
		const p = f.properties.person;
		if (!byPerson.has(p))
			byPerson.set(p, []);
		byPerson.get(p).push(f);
	}
	console.log(`zones\t${fc.features.length} loaded in ${(cpu() - t0).toFixed(2)} s`);

	const lon = new Float64Array(nmem), lat = new Float64Array(nmem);
	const who = new Array(nmem);
	let n = 0, tests = 0, inside = 0;
	t0 = cpu();
	const rl = readline.createInterface({
		input: fs.createReadStream(dir + '/fixes.csv'),
		crlfDelay: Infinity
	});
	let first = true;
	for await (const line of rl) {
		if (first) { first = false; continue; }
		const f = line.split(',');
		const x = Number(f[3]), y = Number(f[2]);
		const zs = byPerson.get(f[0]) || [];
		for (const z of zs) {
			tests++;
			if (booleanPointInPolygon([x, y], z))
				inside++;
		}
		if (n < nmem) {
			lon[n] = x; lat[n] = y; who[n] = zs;
		}
		n++;
	}
	let dt = cpu() - t0;
	console.log(`stream\t${n} fixes, ${tests} tests, ${inside} inside, ` +
	    `${dt.toFixed(2)} s, ${Math.round(n / dt)} fixes/s, ` +
	    `${Math.round(tests / dt)} tests/s`);

	const m = Math.min(n, nmem);
	tests = 0; inside = 0;
	t0 = cpu();
	for (let i = 0; i < m; i++)
		for (const z of who[i]) {
			tests++;
			if (booleanPointInPolygon([lon[i], lat[i]], z))
				inside++;
		}
	dt = cpu() - t0;
	console.log(`memory\t${m} fixes, ${tests} tests, ${inside} inside, ` +
	    `${dt.toFixed(2)} s, ${Math.round(tests / dt)} tests/s`);
	const mem = process.memoryUsage();
	console.log(`rss\t${Math.round(mem.rss / 1048576)} MiB`);
}

main().catch((e) => { console.error(e); process.exit(1); });
