import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { matchPath, Navigate, Route, Routes, useLocation, useParams } from "react-router-dom";
import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { useAuth } from "./lib/auth";
import { useTitleFromHeading } from "./lib/title";
import { SignIn, SignUp } from "./pages/account/SignIn";

/** A page in its own chunk, loaded when first shown, or sooner with `preload()`. Once loaded it
 * renders directly, without suspending: a page opened by its address starts loading with the
 * session check instead of after it, and React never shows (then holds for its 300 ms
 * throttle) a loading fallback for it. */
export function page(load: () => Promise<{ default: ComponentType }>): ComponentType & { preload: () => Promise<unknown> } {
  let loaded: ComponentType | null = null;
  let loading: Promise<{ default: ComponentType }> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        loading = null; // tried again when the page renders
        throw error;
      },
    ));
  const Lazy = lazy(preload);
  const Page = () => {
    // Set before Lazy resolves, so the render that follows the chunk's arrival already takes
    // this branch: the page never mounts twice (App.test.tsx).
    const Loaded = loaded;
    return Loaded ? <Loaded /> : <Lazy />;
  };
  return Object.assign(Page, { preload });
}

// Every page but sign-in is its own chunk: the first screen loads only what it shows.
const PAGES: [string, ReturnType<typeof page>][] = [
  ["projects", page(() => import("./pages/projects/Projects"))],
  ["projects/:projectId", page(() => import("./pages/projects/ProjectPage"))],
  ["projects/:projectId/upload", page(() => import("./pages/datasets/UploadPage"))],
  ["invitations", page(() => import("./pages/projects/AcceptInvitation"))],
  ["datasets/:datasetId", page(() => import("./pages/datasets/DatasetPage"))],
  ["datasets/:datasetId/train", page(() => import("./pages/training/TrainPage"))],
  ["jobs", page(() => import("./pages/training/JobsPage"))],
  ["jobs/:jobId", page(() => import("./pages/training/JobPage"))],
  ["models/:modelId", page(() => import("./pages/training/ModelPage"))],
  ["batches/:batchId", page(() => import("./pages/batches/BatchPage"))],
  ["batches/:batchId/report", page(() => import("./pages/batches/ReportPage"))],
  ["templates", page(() => import("./pages/templates/TemplatesPage"))],
  ["notifications", page(() => import("./pages/notifications/NotificationsPage"))],
  ["webhooks", page(() => import("./pages/notifications/WebhooksPage"))],
  ["account", page(() => import("./pages/account/AccountPage"))],
  ["admin/users", page(() => import("./pages/account/UsersPage"))],
];

/** Starts loading the page at `pathname`, if it is one of ours (the app calls it as it starts). */
export function preloadPage(pathname: string): void {
  PAGES.find(([path]) => matchPath(`/${path}`, pathname))?.[1].preload().catch(() => {
    // Tried again when the page renders, which fails as a lazy page always did.
  });
}

function RequireSession({ children }: { children: ReactNode }) {
  const { status, lost } = useAuth();
  const location = useLocation();
  if (status === "loading") return <Loading what="your session" />;
  if (status === "signedOut") {
    // After "Sign out" the next sign-in (maybe someone else's) starts at the projects list,
    // not at the page the last user left.
    // The hash too: an invitation link carries its token there (/invitations#<token>).
    const from = location.pathname + location.search + location.hash;
    const state = lost === "signedOut" ? null : { from, ended: lost === "ended" };
    return <Navigate to="/signin" replace state={state} />;
  }
  return <>{children}</>;
}

export function App() {
  useTitleFromHeading();
  return (
    <Routes>
      <Route path="/signin" element={<SignIn />} />
      <Route path="/signup" element={<SignUp />} />
      <Route path="/invitations/:token" element={<OldInvitationLink />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/projects" replace />} />
        {PAGES.map(([path, Component]) => (
          <Route key={path} path={path} element={<Page><Component /></Page>} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** An invitation link of the old form, `/invitations/<token>`: its token moves to the hash at
 * once (replacing the history entry, before the session check), so that it leaves the address
 * bar and the history and is never sent again. The request that loaded this page did carry it:
 * the gateway keeps it out of its access log; a proxy in front may not. */
function OldInvitationLink() {
  const { token = "" } = useParams();
  return <Navigate to={{ pathname: "/invitations", hash: encodeURIComponent(token) }} replace />;
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
    </section>
  );
}
