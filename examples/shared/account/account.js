// The demo's account page: plain DOM and fetch against the demo's own routes (cookie backend),
// @simplewebauthn/browser for passkeys and qrcode-generator for the TOTP QR code, both served
// by the demo itself. See docs/demo.md.

const $ = (id) => document.getElementById(id);
const { startAuthentication, startRegistration } = window.SimpleWebAuthnBrowser;
let mfaToken = null;

function say(message, isError = false) {
  $('status').textContent = message;
  $('status').className = isError ? 'error' : '';
}

/** The `detail` of an error answer as one line. */
function describe(body) {
  const detail = body?.detail;
  if (typeof detail === 'string') return detail;
  if (detail && typeof detail.code === 'string')
    return detail.reason ? `${detail.code}: ${JSON.stringify(detail.reason)}` : detail.code;
  return JSON.stringify(detail ?? body);
}

async function call(method, path, body, form = false) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.body = form ? new URLSearchParams(body) : JSON.stringify(body);
    init.headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
  }
  const response = await fetch(path, init);
  const text = await response.text();
  return { status: response.status, ok: response.ok, body: text ? JSON.parse(text) : null };
}

async function refresh() {
  const me = await call('GET', '/users/me');
  $('signed-in').hidden = !me.ok;
  $('signed-out').hidden = me.ok;
  if (!me.ok) return;
  $('me-email').textContent = me.body.email;
  await Promise.all([listPasskeys(), listSessions()]);
}

async function logIn(email, password) {
  const answer = await call('POST', '/auth/cookie/login', { username: email, password }, true);
  if (answer.ok) return refresh().then(() => say('Logged in.'));
  const detail = answer.body?.detail;
  if (detail && detail.code === 'LOGIN_MFA_REQUIRED') {
    mfaToken = detail.mfa_token;
    $('mfa-form').hidden = false;
    $('mfa-code').focus();
    return say('Second step: enter your code.');
  }
  say(`Login failed: ${describe(answer.body)}`, true);
}

$('register-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = $('register-email').value;
  const password = $('register-password').value;
  const answer = await call('POST', '/auth/register', { email, password });
  if (!answer.ok) return say(`Registration failed: ${describe(answer.body)}`, true);
  await logIn(email, password);
});

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await logIn($('login-email').value, $('login-password').value);
});

$('mfa-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await call('POST', '/auth/cookie/login/mfa', {
    mfa_token: mfaToken,
    code: $('mfa-code').value.trim(),
  });
  if (!answer.ok) return say(`Second step failed: ${describe(answer.body)}`, true);
  mfaToken = null;
  $('mfa-form').hidden = true;
  $('mfa-code').value = '';
  await refresh();
  say('Logged in.');
});

$('passkey-login').addEventListener('click', async () => {
  try {
    const options = await call('POST', '/auth/cookie/passkey/options');
    if (!options.ok) return say(`Passkey login failed: ${describe(options.body)}`, true);
    const response = await startAuthentication({ optionsJSON: options.body });
    const answer = await call('POST', '/auth/cookie/passkey/login', { response });
    if (!answer.ok) return say(`Passkey login failed: ${describe(answer.body)}`, true);
    await refresh();
    say('Logged in with a passkey.');
  } catch (error) {
    say(`Passkey login cancelled: ${error.message}`, true);
  }
});

$('logout').addEventListener('click', async () => {
  await call('POST', '/auth/cookie/logout');
  await refresh();
  say('Logged out.');
});

$('totp-setup').addEventListener('click', async () => {
  const answer = await call('POST', '/auth/mfa/totp/setup', {});
  if (!answer.ok) return say(`TOTP setup failed: ${describe(answer.body)}`, true);
  const qr = window.qrcode(0, 'M');
  qr.addData(answer.body.otpauth_uri);
  qr.make();
  $('totp-qr').innerHTML = qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
  $('totp-secret').textContent = answer.body.secret;
  $('totp-enrol').hidden = false;
  $('recovery').hidden = true;
  say('Scan the code, then enter the code your app shows.');
});

$('totp-enable-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await call('POST', '/auth/mfa/totp/enable', { code: $('totp-code').value.trim() });
  if (!answer.ok) return say(`Enabling TOTP failed: ${describe(answer.body)}`, true);
  $('totp-enrol').hidden = true;
  $('totp-code').value = '';
  $('recovery-codes').replaceChildren(
    ...answer.body.recovery_codes.map((code) =>
      Object.assign(document.createElement('li'), { textContent: code }),
    ),
  );
  $('recovery').hidden = false;
  say('TOTP is on. Save your recovery codes now: they are not shown again.');
});

$('totp-disable-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await call('POST', '/auth/mfa/totp/disable', {
    code: $('totp-disable-code').value.trim(),
  });
  if (!answer.ok) return say(`Disabling TOTP failed: ${describe(answer.body)}`, true);
  $('totp-disable-code').value = '';
  $('recovery').hidden = true;
  say('TOTP is off.');
});

async function listPasskeys() {
  const answer = await call('GET', '/users/me/passkeys');
  const items = answer.ok ? answer.body : [];
  $('passkeys').replaceChildren(
    ...items.map((passkey) => {
      const item = document.createElement('li');
      const used = passkey.last_used_at
        ? `last used ${new Date(passkey.last_used_at).toLocaleString()}`
        : 'never used';
      item.textContent = `${passkey.name} (added ${new Date(passkey.created_at).toLocaleString()}, ${used}) `;
      const remove = Object.assign(document.createElement('button'), {
        type: 'button',
        textContent: 'Remove',
      });
      remove.addEventListener('click', async () => {
        const gone = await call('DELETE', `/users/me/passkeys/${encodeURIComponent(passkey.id)}`);
        say(gone.ok ? 'Passkey removed.' : `Removing failed: ${describe(gone.body)}`, !gone.ok);
        await listPasskeys();
      });
      item.append(remove);
      return item;
    }),
  );
}

$('passkey-add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const options = await call('POST', '/auth/passkey/register/options', {});
    if (!options.ok) return say(`Adding a passkey failed: ${describe(options.body)}`, true);
    const response = await startRegistration({ optionsJSON: options.body });
    const name = $('passkey-name').value.trim();
    const answer = await call(
      'POST',
      '/auth/passkey/register',
      name ? { response, name } : { response },
    );
    if (!answer.ok) return say(`Adding a passkey failed: ${describe(answer.body)}`, true);
    $('passkey-name').value = '';
    await listPasskeys();
    say(`Passkey "${answer.body.name}" added.`);
  } catch (error) {
    say(`Adding a passkey was cancelled: ${error.message}`, true);
  }
});

async function listSessions() {
  const answer = await call('GET', '/users/me/sessions');
  $('sessions-end-others').hidden = !answer.ok;
  if (!answer.ok) {
    $('sessions').replaceChildren(
      Object.assign(document.createElement('li'), {
        textContent: 'This server does not list sessions.',
      }),
    );
    return;
  }
  $('sessions').replaceChildren(
    ...answer.body.map((session) => {
      const item = document.createElement('li');
      const where = [session.backend, session.ip, session.user_agent].filter(Boolean).join(' · ');
      item.textContent = `${where} (since ${new Date(session.created_at).toLocaleString()})${session.current ? ' — this session' : ''} `;
      if (!session.current) {
        const end = Object.assign(document.createElement('button'), {
          type: 'button',
          textContent: 'End',
        });
        end.addEventListener('click', async () => {
          const gone = await call('DELETE', `/users/me/sessions/${encodeURIComponent(session.id)}`);
          say(gone.ok ? 'Session ended.' : `Ending failed: ${describe(gone.body)}`, !gone.ok);
          await listSessions();
        });
        item.append(end);
      }
      return item;
    }),
  );
}

$('sessions-end-others').addEventListener('click', async () => {
  const answer = await call('DELETE', '/users/me/sessions');
  say(answer.ok ? 'Every other session ended.' : `Failed: ${describe(answer.body)}`, !answer.ok);
  await listSessions();
});

refresh().catch((error) => say(String(error), true));
