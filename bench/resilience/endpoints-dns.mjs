// A tiny DNS server that plays the Kubernetes endpoints controller for the rolling-restart
// test: the A records of one name are the addresses of the backends whose /ready answers 200,
// polled every 200 ms, so a draining backend leaves the answer as it would leave a Service.
import { createSocket } from 'node:dgram';

export function startEndpointsDns({ name, port, backends }) {
  const ready = new Set(backends.map((b) => b.address));
  const poll = setInterval(() => {
    for (const backend of backends) {
      fetch(`http://${backend.address}:${backend.port}/ready`, { signal: AbortSignal.timeout(500) })
        .then((r) => (r.ok ? ready.add(backend.address) : ready.delete(backend.address)))
        .catch(() => ready.delete(backend.address));
    }
  }, 200);

  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    // Header (12 bytes), then the question: labels, type, class.
    let offset = 12;
    const labels = [];
    while (query[offset] !== 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString());
      offset += query[offset] + 1;
    }
    const questionEnd = offset + 5;
    const type = query.readUInt16BE(offset + 1);
    const addresses = labels.join('.') === name && type === 1 ? [...ready] : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0);
      record.writeUInt16BE(1, 2);
      record.writeUInt16BE(1, 4);
      record.writeUInt32BE(1, 6);
      record.writeUInt16BE(4, 10);
      address.split('.').forEach((part, i) => record.writeUInt8(Number(part), 12 + i));
      return record;
    });
    socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...answers]),
      peer.port,
      peer.address,
    );
  });
  socket.bind(port, '127.0.0.1');
  return {
    ready: () => [...ready],
    close: () => {
      clearInterval(poll);
      socket.close();
    },
  };
}
