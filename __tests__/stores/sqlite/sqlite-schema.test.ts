// __tests__/stores/sqlite/sqlite-schema.test.ts
// The numbered SQL files shipped for teams that run their own migrations: each is exactly a step of the schema, and
// applying them in order, fresh or over the tables 7c18849 made, gives the tables migrate() gives.

import fs from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../../../lib';
import { SQLITE_MIGRATIONS } from '../../../lib/stores/sqlite/sqlite-schema';
import { tempDatabase, type TestDatabase } from '../../helpers/sqlite';

const SQL = path.join(__dirname, '..', '..', '..', 'sql', 'sqlite');

describe('sql/sqlite/', () => {
  const removals: Array<() => void> = [];
  afterAll(() => {
    for (const remove of removals) remove();
  });
  const database = (label: string): TestDatabase => {
    const { db, remove } = tempDatabase(label);
    removals.push(remove);
    return db;
  };
  const shape = (db: TestDatabase): unknown =>
    db.prepare(`SELECT json_group_array(json_array(type, name, tbl_name, sql)) AS rows FROM (SELECT * FROM sqlite_master ORDER BY name)`).get();
  const byHand = (db: TestDatabase, steps = SQLITE_MIGRATIONS): void => {
    for (const migration of steps) db.exec(fs.readFileSync(path.join(SQL, `${migration.name}.sql`), 'utf8'));
  };
  const byMigrate = async (db: TestDatabase): Promise<void> => {
    const store = new SqliteStore({ database: db, sweepIntervalMs: 0 });
    await store.migrate();
    await store.close();
  };

  it('ships one file per step, named for it, holding exactly the step for the prefix "epg_"', () => {
    expect(fs.readdirSync(SQL).sort()).toEqual(SQLITE_MIGRATIONS.map((m) => `${m.name}.sql`));
    for (const migration of SQLITE_MIGRATIONS) expect(fs.readFileSync(path.join(SQL, `${migration.name}.sql`), 'utf8')).toBe(migration.sql('epg_'));
  });

  it('the files applied in order give the tables migrate() gives, and migrate() after them changes nothing', async () => {
    const [manual, migrated] = [database('by-hand'), database('by-migrate')];
    byHand(manual);
    await byMigrate(migrated);
    const expected = shape(migrated);
    expect(shape(manual)).toEqual(expected);
    await byMigrate(manual);
    expect(shape(manual)).toEqual(expected);
  });

  it("upgrading 7c18849's tables (step 001) by file or by migrate() gives the fresh tables", async () => {
    const [byFile, byStore, reference] = [database('up-file'), database('up-store'), database('up-ref')];
    byHand(byFile, SQLITE_MIGRATIONS.slice(0, 1));
    byHand(byStore, SQLITE_MIGRATIONS.slice(0, 1));
    byHand(byFile, SQLITE_MIGRATIONS.slice(1));
    await byMigrate(byStore);
    await byMigrate(reference);
    const expected = shape(reference);
    expect(shape(byFile)).toEqual(expected);
    expect(shape(byStore)).toEqual(expected);
  });
});
