import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { Provider } from "urql";
import { App, preloadPage } from "./App";
import { createClient } from "./lib/client";
import { AuthProvider } from "./lib/auth";
import "./styles.css";

const client = createClient();
// The page opened by its address loads while the session is checked.
preloadPage(window.location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Provider value={client}>
      <BrowserRouter>
        <AuthProvider>
          <App />
        </AuthProvider>
      </BrowserRouter>
    </Provider>
  </StrictMode>,
);
