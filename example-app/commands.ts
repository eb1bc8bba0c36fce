// example-app/commands.ts
// The curl commands server.ts prints: each request shape a client can send, against the demo users and clients.

import { DEMO_CLIENTS, DEMO_USERS } from './seed';
import type { DemoClient } from './seed';

/** Copy-pastable shell commands for a server at `base` (e.g. http://localhost:3000). */
export function tryCommands(base: string): string {
  const token = `${base}/oauth2/token`;
  const [alice] = DEMO_USERS;
  const web = DEMO_CLIENTS.find((c) => c.secret) as DemoClient & { readonly secret: string };
  const cli = DEMO_CLIENTS.find((c) => !c.secret) as DemoClient;
  const basic = Buffer.from(`${web.id}:${web.secret}`).toString('base64');
  const pick = (name: string) => `$(node -p 'JSON.parse(process.argv[1]).${name}' "$RES")`;
  return `
# 1. Password grant, confidential client with HTTP Basic (client_secret_basic); keep the tokens in variables:
RES=$(curl -s -u ${web.id}:${web.secret} ${token} \\
  -d grant_type=password --data-urlencode username=${alice.email} --data-urlencode password=${alice.password} \\
  --data-urlencode 'scope=openid profile email orders offline_access'); echo "$RES"
ACCESS_TOKEN=${pick('access_token')}; REFRESH_TOKEN=${pick('refresh_token')}

# 2. Call the protected routes (requireToken, and passport 'oauth2-bearer'):
curl -s ${base}/api/me -H "Authorization: Bearer $ACCESS_TOKEN"; echo
curl -s ${base}/api/orders -H "Authorization: Bearer $ACCESS_TOKEN"; echo

# 3. Refresh (rotation: the old refresh token is spent; using it again revokes the whole login):
RES=$(curl -s -u ${web.id}:${web.secret} ${token} -d grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"); echo "$RES"
ACCESS_TOKEN=${pick('access_token')}; REFRESH_TOKEN=${pick('refresh_token')}

# 4. The same password grant with client_secret_post (Curity's request shape):
curl -s -X POST ${token} -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=password&client_id=${web.id}&client_secret=${web.secret}&username=${encodeURIComponent(alice.email)}&password=${encodeURIComponent(alice.password)}'; echo

# 5. A public client (no secret, only client_id):
curl -s ${token} -d grant_type=password -d client_id=${cli.id} \\
  --data-urlencode username=${alice.email} --data-urlencode password=${alice.password}; echo

# 6. Okta's request shape (Basic header, scope=openid -> an id_token):
curl -s --request POST --url ${token} --header 'accept: application/json' \\
  --header 'authorization: Basic ${basic}' --header 'content-type: application/x-www-form-urlencoded' \\
  --data 'grant_type=password&username=${encodeURIComponent(alice.email)}&password=${encodeURIComponent(alice.password)}&scope=openid'; echo

# 7. Oracle's request shape (offline_access in the scope):
curl -si -H 'Authorization: Basic ${basic}' -H 'Content-Type: application/x-www-form-urlencoded;charset=UTF-8' \\
  --request POST ${token} -d 'grant_type=password&username=${encodeURIComponent(alice.email)}&password=${encodeURIComponent(alice.password)}&scope=orders%20offline_access'; echo

# 8. Failures: a wrong password (400 invalid_grant), and no token (401 with a Bearer challenge):
curl -s -u ${web.id}:${web.secret} ${token} -d grant_type=password --data-urlencode username=${alice.email} -d password=nope; echo
curl -si ${base}/api/me | head -n 5
`;
}
