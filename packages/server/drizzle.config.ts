// drizzle-kit generates SQL migrations from src/db/schema.ts, offline:
//   npx drizzle-kit generate --config packages/server/drizzle.config.ts
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/server/src/db/schema.ts',
  out: './packages/server/src/db/migrations',
});
