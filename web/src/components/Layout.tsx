import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useAuth } from "../lib/auth";
import { NotificationBell } from "./NotificationBell";

export function Layout() {
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/projects" className="brand">
          Synthetica
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/projects">Projects</NavLink>
          <NavLink to="/templates">Templates</NavLink>
          <NavLink to="/jobs">Jobs</NavLink>
          <NavLink to="/webhooks">Webhooks</NavLink>
          <NavLink to="/account">Account</NavLink>
          {me?.role === "ADMIN" ? <NavLink to="/admin/users">Users</NavLink> : null}
        </nav>
        <div className="topbar-end">
          <NotificationBell />
          <span className="muted">{me?.email}</span>
          <button
            type="button"
            onClick={async () => {
              await signOut();
              navigate("/signin");
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
