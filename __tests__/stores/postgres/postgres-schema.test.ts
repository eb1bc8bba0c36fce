// __tests__/stores/postgres/postgres-schema.test.ts
// The numbered SQL files shipped for teams that run their own migrations: each is exactly a step migrate() runs, and
// applying them in order, fresh or over the schema 7c18849 made, gives the schema migrate() gives.

import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { PostgresStore } from '../../../lib';
import { PG_MIGRATIONS } from '../../../lib/stores/postgres/postgres-schema';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';

const SQL = path.join(__dirname, '..', '..', '..', 'sql', 'postgres');

describe('sql/postgres/', () => {
  it('ships one file per step, named for it, holding exactly the DDL migrate() runs for schema "epg"', () => {
    expect(fs.readdirSync(SQL).sort()).toEqual(PG_MIGRATIONS.map((m) => `${m.name}.sql`));
    for (const migration of PG_MIGRATIONS) expect(fs.readFileSync(path.join(SQL, `${migration.name}.sql`), 'utf8')).toBe(migration.sql('epg'));
  });
});

describeWithPostgres('PostgreSQL schema by hand and by migrate()', () => {
  const schemas: string[] = [];
  let pool: Pool;
  beforeAll(() => {
    pool = testPool();
  });
  afterAll(async () => {
    await pool.end();
    for (const schema of schemas) await dropSchema(schema);
  });
  const fresh = (label: string): string => {
    const schema = uniqueSchema(label);
    schemas.push(schema);
    return schema;
  };

  /** Columns (types, nullability, collation, defaults, order) and indexes of `schema`, its name taken out. */
  async function shape(schema: string): Promise<unknown> {
    const columns = await pool.query(
      `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, collation_name, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const indexes = await pool.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema]);
    return { columns: columns.rows, indexes: indexes.rows.map((row) => ({ ...row, indexdef: String(row.indexdef).replaceAll(schema, 'S') })) };
  }

  /** The files as a team would run them: the text for schema "epg", the name replaced as docs/stores.md says. */
  const byHand = async (schema: string, steps = PG_MIGRATIONS): Promise<void> => {
    for (const migration of steps) await pool.query(fs.readFileSync(path.join(SQL, `${migration.name}.sql`), 'utf8').replaceAll('epg', schema));
  };

  const byMigrate = async (schema: string): Promise<void> => {
    const store = new PostgresStore({ pool, schema, sweepIntervalMs: 0 });
    await store.migrate();
    await store.close();
  };

  it("pins the counter functions to the built-ins (search_path = pg_catalog, pg_temp), so no function on the caller's path stands in for unnest", async () => {
    const schema = fresh('search_path');
    await byMigrate(schema);
    const { rows } = await pool.query(
      `SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY p.proname`,
      [schema],
    );
    expect(rows).toEqual([
      { proname: 'counters_change_many', proconfig: ['search_path=pg_catalog, pg_temp'] },
      { proname: 'counters_hit_below_many', proconfig: ['search_path=pg_catalog, pg_temp'] },
    ]);
  });

  it('the files applied in order give the schema migrate() gives, and migrate() after them changes nothing', async () => {
    const [manual, migrated] = [fresh('by_hand'), fresh('by_migrate')];
    await byHand(manual);
    await byMigrate(migrated);
    const expected = await shape(migrated);
    expect(await shape(manual)).toEqual(expected);
    await byMigrate(manual);
    await byHand(manual);
    expect(await shape(manual)).toEqual(expected);
  });

  it("upgrading 7c18849's schema (step 001) by file or by migrate() gives the fresh schema", async () => {
    const [byFile, byStore, reference] = [fresh('up_file'), fresh('up_store'), fresh('up_ref')];
    await byHand(byFile, PG_MIGRATIONS.slice(0, 1));
    await byHand(byStore, PG_MIGRATIONS.slice(0, 1));
    await byHand(byFile, PG_MIGRATIONS.slice(1));
    await byMigrate(byStore);
    await byMigrate(reference);
    const expected = await shape(reference);
    expect(await shape(byFile)).toEqual(expected);
    expect(await shape(byStore)).toEqual(expected);
  });
});
