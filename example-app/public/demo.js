// example-app/public/demo.js
// The demo console's behaviour: the password grant, API calls, refresh with rotation, replay and revocation.
// Step 6 (the user's sessions and password) is sessions.js, on what this file hands it as window.demoConsole.
'use strict';

(function demoConsole() {
  /** The seeded demo users (printed by `npm start` too). Local demo credentials, never real ones. */
  var USERS = {
    alice: { name: 'Alice', username: 'alice@example.com', password: 'wonderland', scope: 'openid profile orders' },
    // Bob may grant only "orders" (example-app/seed.ts): his token never carries "profile", so /api/me answers 403.
    bob: { name: 'Bob', username: 'bob@example.com', password: 'builder-bob', scope: 'openid orders', mayGrant: 'orders' },
  };

  var $ = function (id) {
    return document.getElementById(id);
  };

  /** Endpoint paths, from discovery; the page calls them on its own origin. */
  var endpoints = { token: '/oauth2/token', revoke: '/oauth2/revoke' };

  /** The current login: the latest token response, the refresh token it replaced, and the demo user it is for. */
  var state = { tokens: null, spentRefreshToken: null, alive: false, user: null };

  /**
   * The steps whose buttons need a live login, and what each says once the login has ended elsewhere: its old result
   * (a 200 from a token that no longer works) is hidden behind a hint instead of standing next to disabled buttons.
   */
  var LIVE_STEPS = [
    { step: 3, result: 'api-result', hint: 'api-hint', todo: 'call the API' },
    { step: 4, result: 'refresh-result', hint: 'refresh-hint', todo: 'refresh' },
    { step: 5, result: 'revoke-result', hint: 'revoke-hint', todo: 'revoke a live one' },
    { step: 6, result: 'sessions-result', hint: 'sessions-hint', todo: 'see its sessions' },
    { step: 6, result: 'password-result' },
  ];

  /** The buttons that need a live login. */
  var LIVE_BUTTONS = ['call-me', 'call-orders', 'refresh', 'revoke', 'list-sessions', 'revoke-others', 'change-password'];

  /** How a login can end, and the step whose own result tells it. */
  var ENDINGS = {
    replay: { step: 4, why: 'the replayed refresh token in step 4 revoked it' },
    refresh: { step: 4, why: "step 4's refresh was refused" },
    revoke: { step: 5, why: 'step 5 revoked it' },
    signout: { step: 6, why: 'step 6 signed this session out' },
  };

  function pretty(value) {
    return JSON.stringify(value, null, 2);
  }

  // A JWT's payload is base64url JSON (RFC 7515 §2). Decoding is NOT verifying: the server checks signatures.
  function decodeJwt(token) {
    if (typeof token !== 'string') return null;
    var parts = token.split('.');
    if (parts.length !== 3) return { error: 'not a JWS compact serialization' };
    try {
      return { header: JSON.parse(b64urlDecode(parts[0])), payload: JSON.parse(b64urlDecode(parts[1])) };
    } catch (err) {
      return { error: 'cannot decode: ' + err.message };
    }
  }

  function b64urlDecode(part) {
    var b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var bytes = Uint8Array.from(atob(b64), function (c) {
      return c.charCodeAt(0);
    });
    return new TextDecoder().decode(bytes);
  }

  /** Shortens a token for display: enough to tell two apart, not enough to copy one off a screenshot. */
  function shorten(token) {
    return typeof token === 'string' && token.length > 24 ? token.slice(0, 12) + '…' + token.slice(-8) : token;
  }

  function forDisplay(body) {
    if (!body || typeof body !== 'object') return body;
    var copy = {};
    Object.keys(body).forEach(function (key) {
      copy[key] = /_token$/.test(key) ? shorten(body[key]) : body[key];
    });
    return copy;
  }

  function showStatus(el, res) {
    el.textContent = res.status + ' ' + (res.statusText || '') + (res.error ? ' — ' + res.error : '');
    el.className = 'status ' + (res.status >= 200 && res.status < 300 ? 'ok' : 'bad');
  }

  function showResult(id) {
    $(id).hidden = false;
  }

  async function readResponse(res) {
    var text = await res.text();
    var body;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return {
      status: res.status,
      statusText: res.statusText,
      body: body,
      error: body && typeof body === 'object' ? body.error : undefined,
      challenge: res.headers.get('WWW-Authenticate'),
    };
  }

  function postForm(path, params) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      credentials: 'omit',
      cache: 'no-store',
    }).then(readResponse);
  }

  /** Calls the app with the access token; `init.method` (default GET) and `init.json`, a body sent as JSON. */
  function callApi(path, init) {
    var options = init || {};
    var headers = { Accept: 'application/json' };
    if (state.tokens) headers.Authorization = 'Bearer ' + state.tokens.access_token;
    if (options.json !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: options.method || 'GET',
      headers: headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      credentials: 'omit',
      cache: 'no-store',
    }).then(readResponse);
  }

  function clientId() {
    return $('client').value;
  }

  /**
   * Enables the buttons that need a live login. `endedBy` (a key of ENDINGS) says how a login ended: every other step
   * that needs one hides its stale result and says why its buttons are disabled.
   */
  function setAlive(alive, endedBy) {
    state.alive = alive;
    LIVE_BUTTONS.forEach(function (id) {
      $(id).disabled = !alive;
    });
    document.querySelectorAll('#sessions-list button').forEach(function (button) {
      button.disabled = !alive;
    });
    $('replay').disabled = !(alive && state.spentRefreshToken);
    var ending = alive ? undefined : ENDINGS[endedBy];
    LIVE_STEPS.forEach(function (s) {
      var stale = ending !== undefined && ending.step !== s.step;
      if (stale) $(s.result).hidden = true;
      if (!s.hint) return;
      $(s.hint).hidden = !stale;
      $(s.hint).textContent = stale ? 'The login has ended: ' + ending.why + '. Sign in again (step 2) to ' + s.todo + '.' : '';
    });
  }

  /** Who the token is for, as a sentence's subject: the demo user picked at sign-in, unless the fields were edited. */
  function tokenOwner() {
    return state.user ? state.user.name + "'s token" : 'This token';
  }

  /**
   * One sentence on why a protected route refused the access token, or '' when it did not. RFC 6750 §3.1: a token the
   * server no longer accepts is invalid_token (401), a live token without the route's scope is insufficient_scope (403).
   */
  function explainRefusal(path, res) {
    if (res.status === 403 && res.error === 'insufficient_scope') {
      var needs = /scope="([^"]*)"/.exec(res.challenge || '');
      var carries = state.tokens && state.tokens.scope ? '"' + state.tokens.scope + '"' : 'no scope';
      var limit = state.user && state.user.mayGrant ? state.user.name + ' may grant only "' + state.user.mayGrant + '", so ' : '';
      return (
        tokenOwner() +
        ' lacks the scope this route requires: ' +
        path +
        ' needs "' +
        (needs ? needs[1] : '?') +
        '", but ' +
        limit +
        'the token carries ' +
        carries +
        ' (403 insufficient_scope, RFC 6750 §3.1).'
      );
    }
    if (res.status === 401) {
      return 'The access token was refused (401 invalid_token, RFC 6750 §3.1): it has expired or its login has ended; ' + 'sign in again.';
    }
    return '';
  }

  /** The demo user whose credentials the fields hold (null once they are edited to something else). */
  function pickedUser() {
    var user = USERS[$('user').value];
    return user && $('username').value === user.username ? user : null;
  }

  function pickUser() {
    var user = USERS[$('user').value];
    $('username').value = user.username;
    $('password').value = user.password;
    $('scope').value = user.scope;
  }

  function showTokens(res) {
    $('token-response').textContent = pretty(forDisplay(res.body));
    var at = decodeJwt(res.body && res.body.access_token);
    $('access-claims').textContent = at ? pretty(at.payload || at) : '(none)';
    $('access-header').textContent = at && at.header ? 'JOSE header: ' + JSON.stringify(at.header) : '';
    if (res.body && res.body.id_token) {
      var id = decodeJwt(res.body.id_token);
      $('id-claims').textContent = pretty(id.payload || id);
      $('id-note').textContent = '(from this response)';
    } else if (res.body && res.body.refresh_token && state.spentRefreshToken) {
      // OIDC Core §12.2: a refresh MAY return a new id_token; this server does not, so the sign-in's one stands.
      $('id-note').textContent = '(from the sign-in: this refresh response carries no id_token)';
    } else {
      $('id-claims').textContent = '(no id_token: ask for scope openid)';
      $('id-note').textContent = '';
    }
  }

  async function signIn() {
    var res = await postForm(endpoints.token, {
      grant_type: 'password',
      client_id: clientId(),
      username: $('username').value,
      password: $('password').value,
      scope: $('scope').value,
    });
    showResult('signin-result');
    showStatus($('signin-status'), res);
    if (res.status === 200) {
      state.tokens = res.body;
      state.spentRefreshToken = null;
      state.user = pickedUser();
      showTokens(res);
      LIVE_STEPS.forEach(function (s) {
        $(s.result).hidden = true;
      });
      setAlive(true);
    } else {
      $('token-response').textContent = pretty(res.body);
      $('access-claims').textContent = '';
      $('id-claims').textContent = '';
    }
  }

  async function api(path) {
    var res = await callApi(path);
    showResult('api-result');
    showStatus($('api-status'), res);
    $('api-explain').textContent = explainRefusal(path, res);
    $('api-body').textContent = 'GET ' + path + '\n' + pretty(res.body) + (res.challenge ? '\nWWW-Authenticate: ' + res.challenge : '');
  }

  async function refresh() {
    var old = state.tokens.refresh_token;
    var res = await postForm(endpoints.token, { grant_type: 'refresh_token', client_id: clientId(), refresh_token: old });
    showResult('refresh-result');
    showStatus($('refresh-status'), res);
    $('refresh-body').textContent = pretty(forDisplay(res.body));
    if (res.status === 200) {
      state.tokens = res.body;
      state.spentRefreshToken = old;
      showTokens(res);
      $('signin-status').textContent = '200 OK — refreshed in step 4';
      $('refresh-explain').textContent =
        'New tokens (shown in step 2 too). The old refresh token ' +
        shorten(old) +
        ' is now spent. Replaying it is what a thief holding a stolen copy would do.';
      setAlive(true);
    } else {
      $('refresh-explain').textContent = 'The refresh was refused.';
      setAlive(false, 'refresh');
    }
  }

  async function replay() {
    var res = await postForm(endpoints.token, { grant_type: 'refresh_token', client_id: clientId(), refresh_token: state.spentRefreshToken });
    showResult('refresh-result');
    showStatus($('refresh-status'), res);
    // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole grant, the legitimate client's too.
    var me = await callApi('/api/me');
    $('refresh-body').textContent =
      'Replayed ' +
      shorten(state.spentRefreshToken) +
      ':\n' +
      pretty(res.body) +
      '\n\nThen GET /api/me with the newest access token: ' +
      me.status +
      '\n' +
      pretty(me.body);
    $('refresh-explain').textContent =
      'Refused with invalid_grant. The server cannot tell the thief from you, so a ' +
      'replayed refresh token ends the whole login (RFC 9700 §4.14.2): the newest tokens are revoked too (' +
      me.status +
      ' from /api/me). Sign in again to continue.';
    state.spentRefreshToken = null;
    setAlive(false, 'replay');
  }

  async function revoke() {
    var res = await postForm(endpoints.revoke, {
      client_id: clientId(),
      token: state.tokens.refresh_token,
      token_type_hint: 'refresh_token',
    });
    showResult('revoke-result');
    showStatus($('revoke-status'), res);
    $('revoke-body').textContent = 'POST ' + endpoints.revoke + '\n' + pretty(res.body);
    var me = await callApi('/api/me');
    showStatus($('after-revoke-status'), me);
    $('after-revoke-status').textContent = 'Then GET /api/me with the same access token: ' + $('after-revoke-status').textContent;
    $('after-revoke-body').textContent = pretty(me.body) + (me.challenge ? '\nWWW-Authenticate: ' + me.challenge : '');
    // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant; this server does.
    $('after-revoke-explain').textContent =
      me.status === 401
        ? 'The access token was revoked: revoking the refresh token ended the whole login, so /api/me refuses its ' +
          'access token too although it has not expired (RFC 7009 §2.1).'
        : explainRefusal('/api/me', me);
    if (res.status === 200) {
      state.spentRefreshToken = null;
      setAlive(false, 'revoke');
    }
  }

  async function discover() {
    try {
      var res = await fetch('/.well-known/openid-configuration', { credentials: 'omit' }).then(readResponse);
      if (res.status !== 200) throw new Error('HTTP ' + res.status);
      // The document names absolute URLs for the issuer's origin; this page calls the same paths on its own origin.
      endpoints.token = new URL(res.body.token_endpoint).pathname;
      endpoints.revoke = new URL(res.body.revocation_endpoint).pathname;
      $('discovery').textContent = 'issuer ' + res.body.issuer + ', token endpoint ' + res.body.token_endpoint;
    } catch (err) {
      $('discovery').textContent = 'unavailable (' + err.message + '), using ' + endpoints.token;
    }
  }

  /** Runs a handler with its button busy, and shows an unexpected failure instead of swallowing it. */
  function on(id, handler) {
    onClick($(id), handler);
  }

  function onClick(button, handler) {
    button.addEventListener('click', async function () {
      button.classList.add('busy');
      try {
        await handler();
      } catch (err) {
        alert('The demo console hit an error: ' + err.message);
      } finally {
        button.classList.remove('busy');
      }
    });
  }

  /** What sessions.js (step 6) uses: the login, the API call, and how results are shown. */
  window.demoConsole = Object.freeze({
    state: state,
    $: $,
    pretty: pretty,
    showStatus: showStatus,
    showResult: showResult,
    callApi: callApi,
    setAlive: setAlive,
    on: on,
    onClick: onClick,
  });

  document.addEventListener('DOMContentLoaded', function () {
    pickUser();
    $('user').addEventListener('change', pickUser);
    on('signin', signIn);
    on('call-me', function () {
      return api('/api/me');
    });
    on('call-orders', function () {
      return api('/api/orders');
    });
    on('refresh', refresh);
    on('replay', replay);
    on('revoke', revoke);
    setAlive(false);
    discover();
  });
})();
