import { useEffect, useMemo, useState } from "preact/hooks";
import { SignIn } from "./components/sign-in";
import { reportsApi } from "./lib/api";
import { CognitoClient } from "./lib/cognito";
import { loadConfig, type DashboardConfig } from "./lib/config";
import { Session, type SessionState } from "./lib/session";
import { Shell } from "./shell";

/** The page's fetch, called as a plain function (a detached `window.fetch` throws "Illegal invocation"). */
const browserFetch: typeof fetch = (input, init) => fetch(input, init);

/** Reads /config.json, then shows the sign-in form or, once signed in, the reports. */
export function App() {
  const [config, setConfig] = useState<DashboardConfig | Error>();
  useEffect(() => {
    loadConfig(browserFetch).then(setConfig, (error: Error) => setConfig(error));
  }, []);
  if (!config)
    return (
      <p class="status" role="status">
        Loading…
      </p>
    );
  if (config instanceof Error)
    return (
      <p class="status status-error" role="alert" data-testid="config-error">
        The dashboard cannot start: {config.message}.
      </p>
    );
  return <Signed config={config} />;
}

function Signed(props: { config: DashboardConfig }) {
  const { config } = props;
  const services = useMemo(() => {
    const cognito = new CognitoClient(config.auth.endpoint, config.auth.clientId, browserFetch);
    const session = new Session(cognito);
    return { cognito, session, api: reportsApi(config.apiBase, session, browserFetch) };
  }, [config]);
  const [state, setState] = useState<SessionState>({ signedIn: false });
  useEffect(() => services.session.onChange(setState), [services]);
  if (!state.signedIn)
    return (
      <SignIn
        cognito={services.cognito}
        demo={config.demo}
        notice={state.reason}
        onSignedIn={(result) => services.session.start(result)}
      />
    );
  return <Shell api={services.api} onSignOut={() => services.session.signOut()} />;
}
