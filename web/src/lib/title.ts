import { useEffect } from "react";

const APP = "Synthetica";

/** The tab's title, from the page's own heading: "adult · Synthetica", "Your jobs · Synthetica".
 * Every page has one h1 that names it (a dataset's name once loaded), so tabs, the history
 * list and screen readers tell the pages apart without a title kept in each page. */
export function titleFor(heading: string | null | undefined): string {
  const text = (heading ?? "").replace(/\s+/g, " ").trim();
  if (!text) return APP;
  return text.includes(APP) ? text : `${text} · ${APP}`;
}

export function useTitleFromHeading(): void {
  useEffect(() => {
    const update = () => {
      const title = titleFor(document.querySelector("main h1")?.textContent);
      if (document.title !== title) document.title = title;
    };
    update();
    const observer = new MutationObserver(update);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
}
