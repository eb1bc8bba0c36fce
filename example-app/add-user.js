// example-app/add-user.js
// npm run add-user -- <email> <password> [name]: adds a user to the example app's database (in $DATA_DIR).

const { openDatabase, resolveDataDir } = require('./db');

function main(argv) {
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
    console.error(`add-user: ${err.message}`);
    return 1;
  } finally {
    db.close();
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { main };
