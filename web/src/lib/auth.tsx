import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { useClient } from "urql";
import { MeDocument, type MeQuery } from "../gql/graphql";
import { onSessionLost, refresh, signIn, signOut, signUp } from "./session";

type Me = MeQuery["me"];
type Status = "loading" | "signedOut" | "signedIn";

interface AuthState {
  status: Status;
  me: Me | null;
  /** The session ended by itself (revoked or expired), not by "Sign out" here. */
  ended: boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (input: { email: string; password: string; displayName?: string; organization?: string }) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const [status, setStatus] = useState<Status>("loading");
  const [me, setMe] = useState<Me | null>(null);
  const [ended, setEnded] = useState(false);

  const loadMe = useCallback(async () => {
    const result = await client.query(MeDocument, {}, { requestPolicy: "network-only" }).toPromise();
    if (result.data) {
      setMe(result.data.me);
      setStatus("signedIn");
    } else {
      setMe(null);
      setStatus("signedOut");
    }
  }, [client]);

  useEffect(() => {
    // A reload keeps the session: the HttpOnly cookie buys a new access token.
    void refresh().then((token) => (token ? loadMe() : setStatus("signedOut")));
  }, [loadMe]);

  // A request refused mid-session whose refresh failed too (a sign-out in another tab, an
  // expired cookie): back to the sign-in page, which says why and returns here afterwards.
  useEffect(
    () =>
      onSessionLost(() => {
        setMe(null);
        setEnded(true);
        setStatus("signedOut");
      }),
    [],
  );

  const value: AuthState = {
    status,
    me,
    ended,
    signIn: async (email, password) => {
      await signIn(email, password);
      setEnded(false);
      await loadMe();
    },
    signUp: async (input) => {
      await signUp(input);
      await loadMe();
    },
    signOut: async () => {
      setEnded(false);
      await signOut();
      setMe(null);
      setStatus("signedOut");
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
