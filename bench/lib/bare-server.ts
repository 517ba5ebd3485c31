/**
 * The ceiling for HTTP benchmarks: bare node:http on the same machine, reading the whole body and
 * answering a small JSON document (or, given a size, a page of that many bytes), with no framework,
 * parsing, signature check, template or database.
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const pageBytes = Number(process.argv[3] ?? 0);
const page = pageBytes > 0 ? `<!doctype html>${'x'.repeat(Math.max(0, pageBytes - 15))}` : null;
http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = page ?? '{"status":"processed","notes":[]}';
      const type = page ? 'text/html; charset=utf-8' : 'application/json';
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1');
