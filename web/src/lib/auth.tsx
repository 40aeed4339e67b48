import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { useClient } from "urql";
import { MeDocument, type MeQuery } from "../gql/graphql";
import { onSessionLost, refresh, signIn, signOut, signUp } from "./session";

type Me = MeQuery["me"];
type Status = "loading" | "signedOut" | "signedIn";

interface AuthState {
  status: Status;
  me: Me | null;
  /** Why there is no session: it "ended" by itself (revoked or expired), the user "signedOut"
   * here, or null (none yet on this page load: a link opened while signed out). */
  lost: "ended" | "signedOut" | null;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (input: { email: string; password: string; displayName?: string; organization?: string }) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const [status, setStatus] = useState<Status>("loading");
  const [me, setMe] = useState<Me | null>(null);
  const [lost, setLost] = useState<AuthState["lost"]>(null);

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
        setLost("ended");
        setStatus("signedOut");
      }),
    [],
  );

  const value: AuthState = {
    status,
    me,
    lost,
    signIn: async (email, password) => {
      await signIn(email, password);
      setLost(null);
      await loadMe();
    },
    signUp: async (input) => {
      await signUp(input);
      await loadMe();
    },
    signOut: async () => {
      setLost("signedOut");
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
