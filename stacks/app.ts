/**
 * Builds the cdktf App for a validated config: one AccountStack per account.
 */
import { App } from "cdktf";
import type { Config } from "../config/load";
import { AccountStack, stackName } from "./account-stack";

export interface BuildAppOptions {
  /** @default cdktf's own: `cdktf.out`, or what the cdktf CLI passes */
  readonly outdir?: string;
}

export function buildApp(config: Config, options: BuildAppOptions = {}): App {
  // No cdktf-generated stack traces in the output: they name this machine's paths.
  const app = new App({ outdir: options.outdir, stackTraces: false });
  for (const account of config.accounts) {
    const name = stackName(config, account);
    new AccountStack(app, name, { config, account });
  }
  return app;
}
