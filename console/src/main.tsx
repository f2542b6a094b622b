import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, detectRole, forgetKey, storedKey, storeKey, type Role } from './api';
import { ErrorBox } from './ui';
import { LivePage } from './pages/live';
import { ConferencesPage } from './pages/conferences';
import { CampaignsPage } from './pages/campaigns';
import { CallsPage } from './pages/calls';
import { CostsPage } from './pages/costs';
import { AgentPage } from './pages/agent';

interface PageDef {
  path: string;
  title: string;
  roles: readonly Role[];
  render: (role: Role) => preact.JSX.Element;
}

// What each role sees follows the API's roles (README's API overview): an agent key reaches only its own record.
const PAGES: readonly PageDef[] = [
  { path: 'live', title: 'Live queues', roles: ['admin', 'supervisor', 'reporting'], render: (role) => <LivePage role={role} /> },
  { path: 'conferences', title: 'Conferences', roles: ['admin', 'supervisor', 'reporting'], render: (role) => <ConferencesPage role={role} /> },
  { path: 'campaigns', title: 'Campaigns', roles: ['admin', 'supervisor', 'reporting'], render: (role) => <CampaignsPage role={role} /> },
  { path: 'calls', title: 'Calls', roles: ['admin', 'supervisor', 'reporting'], render: (role) => <CallsPage role={role} /> },
  { path: 'costs', title: 'Costs', roles: ['admin', 'supervisor', 'reporting'], render: (role) => <CostsPage role={role} /> },
  { path: 'me', title: 'My status', roles: ['agent'], render: () => <AgentPage /> },
];

const currentPath = (): string => location.hash.replace(/^#\/?/, '');

function SignIn({ onSignedIn }: { onSignedIn: (role: Role) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    storeKey(key.trim());
    try {
      onSignedIn(await detectRole());
    } catch (e) {
      forgetKey();
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>Contact center console</h1>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <p class="hint">Kept in this browser tab only (session storage) and sent as the Authorization header.</p>
        <button type="submit" disabled={busy || !key.trim()}>
          Sign in
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}

function App() {
  const [role, setRole] = useState<Role | null>(null);
  const [checking, setChecking] = useState(Boolean(storedKey()));
  const [error, setError] = useState<unknown>();
  const [path, setPath] = useState(currentPath());

  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!storedKey()) return;
    detectRole().then(
      (r) => {
        setRole(r);
        setChecking(false);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) forgetKey();
        setError(e);
        setChecking(false);
      },
    );
  }, []);

  if (checking) return <p class="empty">Checking the key…</p>;
  if (!role)
    return (
      <>
        <ErrorBox error={error} />
        <SignIn onSignedIn={setRole} />
      </>
    );

  const pages = PAGES.filter((p) => p.roles.includes(role));
  const page = pages.find((p) => p.path === path) ?? pages[0];
  const signOut = () => {
    forgetKey();
    setRole(null);
  };
  return (
    <>
      <header class="top">
        <span class="brand">Contact center</span>
        <nav aria-label="Pages">
          {pages.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={p === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span class="who">
          Signed in as <strong data-testid="role">{role}</strong>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        <h1>{page.title}</h1>
        {page.render(role)}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
