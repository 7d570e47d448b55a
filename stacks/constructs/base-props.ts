/**
 * The trio almost every construct here is built from: where its resources live (the provider),
 * whose they are (the account) and what they are called (the project).
 */
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AccountContext } from "../account-context";

export interface BaseProps {
  /**
   * The aliased provider of the region the construct's resources live in. Every resource gets it
   * explicitly (stacks/aspects/require-provider.ts fails the synth otherwise).
   */
  readonly provider: AwsProvider;
  /** The stack's account id and partition (tokens), for ARNs and policy conditions. */
  readonly account: AccountContext;
  /** The config's `project`: prefixes every AWS name (config/names.ts). */
  readonly project: string;
}
