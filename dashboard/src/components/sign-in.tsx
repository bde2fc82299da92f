import { useEffect, useRef, useState } from "preact/hooks";
import { CognitoError, type AuthenticationResult, type CognitoClient, type SignInStep } from "../lib/cognito";
import type { DashboardConfig } from "../lib/config";

type Challenge = Extract<SignInStep, { kind: "challenge" }>;

/**
 * Sign-in with user name (e-mail) and password, then the TOTP code when the person turned MFA on, or a new password
 * when an administrator created the account with a temporary one.
 */
export function SignIn(props: {
  cognito: CognitoClient;
  demo: DashboardConfig["demo"];
  notice?: string;
  onSignedIn: (result: AuthenticationResult) => void;
}) {
  const [username, setUsername] = useState(props.demo?.username ?? "");
  const [password, setPassword] = useState(props.demo?.password ?? "");
  const [answer, setAnswer] = useState("");
  const [challenge, setChallenge] = useState<Challenge>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const answerField = useRef<HTMLInputElement>(null);
  // A challenge replaces the form's fields: the keyboard goes on to the one field it asks for.
  useEffect(() => answerField.current?.focus(), [challenge]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const step = challenge
        ? await props.cognito.answer(challenge, answer.trim())
        : await props.cognito.signIn(username.trim(), password);
      if (step.kind === "signedIn") return props.onSignedIn(step.result);
      setChallenge(step);
      setAnswer("");
    } catch (error) {
      setProblem(problemOf(error));
      // A refused challenge answer may have used up the session: the person starts again from the password.
      if (challenge && error instanceof CognitoError && error.type !== "CodeMismatchException") setChallenge(undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Store analytics</h1>
      <form onSubmit={submit} data-testid="signin-form" aria-describedby={problem ? "signin-error" : undefined}>
        <h2>{challenge ? challengeTitle(challenge) : "Sign in"}</h2>
        {props.notice && !problem && (
          <p class="notice" role="status" data-testid="signin-notice">
            {props.notice}
          </p>
        )}
        {props.demo && !challenge && (
          <p class="notice" data-testid="signin-demo-note">
            Filled in with the demo store&apos;s user: select Sign in to look around.
          </p>
        )}
        {!challenge && (
          <>
            <label>
              E-mail or user name
              <input
                name="username"
                type="text"
                autocomplete="username"
                required
                value={username}
                data-testid="signin-username"
                onInput={(event) => setUsername(event.currentTarget.value)}
              />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autocomplete="current-password"
                required
                value={password}
                data-testid="signin-password"
                onInput={(event) => setPassword(event.currentTarget.value)}
              />
            </label>
          </>
        )}
        {challenge?.challenge === "SOFTWARE_TOKEN_MFA" && (
          <label>
            Code from your authenticator app
            <input
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={answer}
              ref={answerField}
              data-testid="signin-code"
              onInput={(event) => setAnswer(event.currentTarget.value)}
            />
          </label>
        )}
        {challenge?.challenge === "NEW_PASSWORD_REQUIRED" && (
          <label>
            New password
            <input
              name="new-password"
              type="password"
              autocomplete="new-password"
              required
              value={answer}
              ref={answerField}
              data-testid="signin-new-password"
              onInput={(event) => setAnswer(event.currentTarget.value)}
            />
          </label>
        )}
        {problem && (
          <p id="signin-error" class="field-error" role="alert" data-testid="signin-error">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy} data-testid="signin-submit">
          {busy ? "Signing in…" : challenge ? "Continue" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

function challengeTitle(challenge: Challenge): string {
  return challenge.challenge === "SOFTWARE_TOKEN_MFA" ? "Enter your sign-in code" : "Choose a new password";
}

function problemOf(error: unknown): string {
  if (!(error instanceof CognitoError)) return "Sign-in failed. Please try again.";
  // Cognito's own NotAuthorizedException messages are written for people ("Incorrect username or password.").
  if (error.type === "UserNotFoundException") return "Incorrect e-mail or password.";
  if (error.type === "CodeMismatchException") return "That code is not right. Enter the current code from your app.";
  return error.message;
}
