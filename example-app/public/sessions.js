// example-app/public/sessions.js
// Step 6 of the demo console: the signed-in user's sessions (list, sign one out, sign out everywhere else) and a
// password change that signs out every other session, through the app's /me routes (example-app/account.ts).
'use strict';

(function sessionsPanel() {
  var demo = window.demoConsole;
  var $ = demo.$;

  function when(epochSeconds) {
    return new Date(epochSeconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  }

  function count(n, what) {
    return (n === 0 ? 'no ' : n === 1 ? 'one ' : n + ' ') + what + (n === 1 ? '' : 's');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** One session as a list item: its client, times, IP and User-Agent (when the app keeps them), and a sign-out button. */
  function row(session) {
    var item = el('li', 'session' + (session.current ? ' current' : ''));
    item.dataset.sid = session.id;
    var head = el('p', 'session-head');
    head.appendChild(el('strong', '', session.clientId));
    if (session.current) head.appendChild(el('span', 'tag', 'this session'));
    item.appendChild(head);
    item.appendChild(el('p', 'small muted', 'Signed in ' + when(session.createdAt) + ' · last used ' + when(session.lastUsedAt)));
    var where = [session.ip, session.userAgent].filter(Boolean).join(' · ');
    if (where) item.appendChild(el('p', 'small muted where', where));
    var button = el('button', 'quiet signout', 'Sign out this session');
    button.type = 'button';
    button.setAttribute('aria-label', 'Sign out the ' + session.clientId + ' session signed in ' + when(session.createdAt));
    demo.onClick(button, function () {
      return signOut(session);
    });
    item.appendChild(button);
    return item;
  }

  function render(sessions) {
    var list = $('sessions-list');
    list.replaceChildren.apply(list, sessions.map(row));
  }

  /** Shows one response in the panel: status, one sentence on what it means, and the raw exchange. */
  function show(result, res, request, sentence) {
    demo.showResult(result + '-result');
    demo.showStatus($(result + '-status'), res);
    $(result + '-explain').textContent = sentence;
    $(result + '-body').textContent = request + '\n' + demo.pretty(res.body);
  }

  /** Fetches the list and draws it; the response, for the caller to explain. */
  async function load() {
    var res = await demo.callApi('/me/sessions');
    if (res.status === 200) render(res.body.sessions);
    return res;
  }

  async function list() {
    var res = await load();
    var sessions = res.status === 200 ? res.body.sessions : [];
    var others = sessions.filter(function (s) {
      return !s.current;
    }).length;
    show(
      'sessions',
      res,
      'GET /me/sessions',
      res.status !== 200
        ? 'The list was refused.'
        : others === 0
          ? 'Only this session: each sign-in starts one (step 2 again, or a curl login, adds another), a refresh never does.'
          : 'This user has ' +
            count(sessions.length, 'session') +
            ', one per sign-in: "this session" is the one whose access ' +
            'token this page holds (its sid), and each can be signed out from here.',
    );
  }

  async function signOut(session) {
    var res = await demo.callApi('/me/sessions/' + encodeURIComponent(session.id), { method: 'DELETE' });
    var request = 'DELETE /me/sessions/' + session.id;
    if (res.status === 200 && res.body.current) {
      render([]);
      $('password-result').hidden = true;
      show(
        'sessions',
        res,
        request,
        "This session is signed out: its refresh token and its access token, this page's own, " + 'no longer work, so sign in again (step 2) to go on.',
      );
      demo.setAlive(false, 'signout');
      return;
    }
    var listed = await load();
    show(
      'sessions',
      res,
      request,
      res.status === 200
        ? 'The ' +
            session.clientId +
            ' session is signed out: its refresh token now gets invalid_grant and its access ' +
            'tokens 401, wherever they are; this session stays signed in.'
        : res.status === 404
          ? 'That session had already ended (404); the list is up to date again.'
          : 'The sign-out was refused' + (listed.status === 401 ? ": this page's own session has ended." : '.'),
    );
  }

  async function signOutOthers() {
    var res = await demo.callApi('/me/sessions/revoke-others', { method: 'POST' });
    await load();
    var ended = res.status === 200 ? res.body.ended : 0;
    show(
      'sessions',
      res,
      'POST /me/sessions/revoke-others',
      res.status !== 200
        ? 'The sign-out was refused.'
        : ended === 0
          ? 'No other session to sign out: this is the only one.'
          : 'Signed out ' + count(ended, 'other session') + ': their tokens no longer work anywhere, and this session stays signed in.',
    );
  }

  /** The demo user's preset password (step 1) follows a change, so the next sign-in works. */
  function rememberPassword(password) {
    var user = demo.state.user;
    if (!user) return false;
    if ($('username').value === user.username) $('password').value = password;
    user.password = password;
    return true;
  }

  async function changePassword() {
    var next = $('new-password').value;
    var res = await demo.callApi('/me/password', {
      method: 'POST',
      json: { currentPassword: $('current-password').value, newPassword: next },
    });
    $('current-password').value = '';
    $('new-password').value = '';
    var sentence;
    if (res.status === 200) {
      var remembered = rememberPassword(next);
      await list();
      sentence =
        'Password changed, and ' +
        count(res.body.sessionsEnded, 'other session') +
        ' signed out, so whoever ' +
        'knew the old password is out; this session stays signed in' +
        (remembered ? ', and step 1 now holds the new password.' : '.');
    } else {
      var why = res.body && res.body.error_description;
      sentence = 'Not changed: ' + (why || 'the server answered ' + res.status) + '.';
    }
    show('password', res, 'POST /me/password (the passwords sent are not shown)', sentence);
  }

  document.addEventListener('DOMContentLoaded', function () {
    demo.on('list-sessions', list);
    demo.on('revoke-others', signOutOthers);
    demo.on('change-password', changePassword);
  });
})();
