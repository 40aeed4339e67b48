import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { useAuth } from "./lib/auth";
import { SignIn, SignUp } from "./pages/account/SignIn";

// Every page but sign-in is its own chunk: the first screen loads only what it shows.
const Projects = lazy(() => import("./pages/projects/Projects"));
const ProjectPage = lazy(() => import("./pages/projects/ProjectPage"));
const UploadPage = lazy(() => import("./pages/datasets/UploadPage"));
const DatasetPage = lazy(() => import("./pages/datasets/DatasetPage"));
const TrainPage = lazy(() => import("./pages/training/TrainPage"));
const JobPage = lazy(() => import("./pages/training/JobPage"));
const JobsPage = lazy(() => import("./pages/training/JobsPage"));
const ModelPage = lazy(() => import("./pages/training/ModelPage"));
const BatchPage = lazy(() => import("./pages/batches/BatchPage"));
const ReportPage = lazy(() => import("./pages/batches/ReportPage"));
const TemplatesPage = lazy(() => import("./pages/templates/TemplatesPage"));
const NotificationsPage = lazy(() => import("./pages/notifications/NotificationsPage"));
const WebhooksPage = lazy(() => import("./pages/notifications/WebhooksPage"));
const AccountPage = lazy(() => import("./pages/account/AccountPage"));
const UsersPage = lazy(() => import("./pages/account/UsersPage"));

function RequireSession({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === "loading") return <Loading what="your session" />;
  if (status === "signedOut") {
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  }
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<SignIn />} />
      <Route path="/signup" element={<SignUp />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/projects" replace />} />
        <Route path="projects" element={<Page><Projects /></Page>} />
        <Route path="projects/:projectId" element={<Page><ProjectPage /></Page>} />
        <Route path="projects/:projectId/upload" element={<Page><UploadPage /></Page>} />
        <Route path="datasets/:datasetId" element={<Page><DatasetPage /></Page>} />
        <Route path="datasets/:datasetId/train" element={<Page><TrainPage /></Page>} />
        <Route path="jobs" element={<Page><JobsPage /></Page>} />
        <Route path="jobs/:jobId" element={<Page><JobPage /></Page>} />
        <Route path="models/:modelId" element={<Page><ModelPage /></Page>} />
        <Route path="batches/:batchId" element={<Page><BatchPage /></Page>} />
        <Route path="batches/:batchId/report" element={<Page><ReportPage /></Page>} />
        <Route path="templates" element={<Page><TemplatesPage /></Page>} />
        <Route path="notifications" element={<Page><NotificationsPage /></Page>} />
        <Route path="webhooks" element={<Page><WebhooksPage /></Page>} />
        <Route path="account" element={<Page><AccountPage /></Page>} />
        <Route path="admin/users" element={<Page><UsersPage /></Page>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
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
