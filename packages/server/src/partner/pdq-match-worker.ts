// One shard of the PDQ bank, in a worker thread: an exact MIH index over the
// entries whose id falls in this shard, kept in step by the main thread's
// add/remove messages, answering searches. Messages from one port arrive in
// order, so a search sees every change sent before it.
import { parentPort } from 'node:worker_threads';
import type { PdqHash } from '@disrupt/hashing';
import { MihPdqIndex } from '@disrupt/matching';
import type { ShardReply, ShardRequest } from './pdq-match-pool.ts';

const port = parentPort;
if (!port) throw new Error('pdq-match-worker runs in a worker thread');
const index = new MihPdqIndex();

port.on('message', (request: ShardRequest) => {
  switch (request.type) {
    case 'apply':
      for (const [op, hash, id] of request.ops) {
        if (op === 1) index.add(hash as PdqHash, id);
        else index.remove(hash as PdqHash, id);
      }
      break;
    case 'search': {
      const { queries } = request;
      const words = Array.from({ length: queries.length / 8 }, (_, q) => queries.subarray(q * 8, q * 8 + 8));
      // Flat [query, id, distance] triples: one typed array crosses the thread boundary by transfer, not by copy.
      const found: number[] = [];
      index.searchEach(words, request.radius).forEach((matches, q) => {
        for (const m of matches) found.push(q, m.id, m.distance);
      });
      const triples = Uint32Array.from(found);
      const reply: ShardReply = { id: request.id, triples };
      port.postMessage(reply, [triples.buffer]);
      break;
    }
  }
});
