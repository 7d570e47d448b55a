/**
 * Builds the cdktf App for a validated config: one AccountStack per account.
 */
import { App } from "cdktf";
import type { Config } from "../config/load";
import { names } from "../config/names";
import { AccountStack } from "./account-stack";

export interface BuildAppOptions {
  /** @default cdktf's own: `cdktf.out`, or what the cdktf CLI passes */
  readonly outdir?: string;
}

export function buildApp(config: Config, options: BuildAppOptions = {}): App {
  // No cdktf-generated stack traces in the output: they name this machine's paths.
  const app = new App({ outdir: options.outdir, stackTraces: false });
  for (const account of config.accounts) {
    new AccountStack(app, names.stack(config.project, account.name), { config, account });
  }
  return app;
}
