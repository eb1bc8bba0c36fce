// example-app/add-user.ts
// npm run add-user -- <email> <password> [name]: adds a user to the example app's database (in $DATA_DIR).

import { openDatabase, resolveDataDir } from './db';

export function main(argv: readonly string[]): number {
  const [email, password, ...name] = argv;
  if (!email || !password) {
    console.error('usage: npm run add-user -- <email> <password> [name]');
    return 2;
  }
  const db = openDatabase(resolveDataDir());
  try {
    const user = db.addUser({ email, password, name: name.join(' ') || undefined });
    console.log(`Added user ${user.id}: ${user.email}${user.name ? ` (${user.name})` : ''}`);
    return 0;
  } catch (err) {
    console.error(`add-user: ${(err as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
