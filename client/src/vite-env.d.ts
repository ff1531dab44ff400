/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Default callback URL of the request form: the API's built-in webhook inbox. */
  readonly VITE_INBOX_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
