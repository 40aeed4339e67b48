import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { useAuth } from "../lib/auth";
import { NotificationBell } from "./NotificationBell";

export function Layout() {
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  useFocusOnNewPage();
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

/** A new page takes the focus to its content, as a page load does: a keyboard or screen-reader
 * user starts there, not on the link that led to it (often gone, leaving the focus nowhere).
 * Not on the first page of the visit, and not when only the query changes (a list's pages). */
function useFocusOnNewPage() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Where the page scrolls stays as it was (on a phone, the top bar stays in view).
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [pathname]);
}
