/**
 * The ceiling for HTTP benchmarks: bare node:http on the same machine, reading the whole body and
 * answering a small JSON document, with no framework, parsing, signature check or database.
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = '{"status":"processed","notes":[]}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1');
