/**
 * AWS Chatbot posting every regional alert topic to one Slack channel.
 *
 * The channel role only lets Chatbot render notifications; guardrail policies cap what anyone in
 * the channel could do through Chatbot. The Slack workspace must be authorized once in the
 * Chatbot console before the first deploy (README: "Slack authorization").
 */
import { Construct } from "constructs";
import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { names } from "../../config/names";
import type { BaseProps } from "./base-props";
import { ServiceRole } from "./service-role";

export interface ChatbotSlackProps extends BaseProps {
  /** A provider in a region where the Chatbot API exists (config/regions.ts chatbotApiRegion). */
  readonly provider: AwsProvider;
  /** The Slack workspace id (T...), authorized once in the Chatbot console. */
  readonly slackTeamId: string;
  /** The channel id (C... or G...), not its name. */
  readonly slackChannelId: string;
  /** Topics in any region; Chatbot subscribes to each. */
  readonly topicArns: readonly string[];
  /** @default the AWS managed CloudWatchReadOnlyAccess policy */
  readonly guardrailPolicyArns?: readonly string[];
  /** A us-east-1 provider: Chatbot writes its logs there, whichever region the configuration is in. */
  readonly logsProvider: AwsProvider;
}

/** Chatbot logs only errors (loggingLevel ERROR); three months is plenty to debug a delivery. */
const CHATBOT_LOG_RETENTION_DAYS = 90;

export class ChatbotSlack extends Construct {
  readonly role: IamRole;
  readonly configuration: ChatbotSlackChannelConfiguration;

  constructor(scope: Construct, id: string, props: ChatbotSlackProps) {
    super(scope, id);
    const { provider, account, project } = props;
    const guardrails =
      props.guardrailPolicyArns && props.guardrailPolicyArns.length > 0
        ? [...props.guardrailPolicyArns]
        : [`arn:${account.partition}:iam::aws:policy/CloudWatchReadOnlyAccess`];

    this.role = new ServiceRole(this, "role", {
      provider,
      account,
      service: "chatbot.amazonaws.com",
      name: names.chatbotRole(project),
      description: "threat-alerts: lets AWS Chatbot render alert notifications in Slack",
      policyName: "notifications",
      // The "Notification permissions" template of the Chatbot console: enough to render alarms.
      // https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-iam-policies.html
      statements: [{ actions: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"], resources: ["*"] }],
      // AWS documents Chatbot's channel role with a plain chatbot.amazonaws.com trust; it does not
      // say Chatbot sends aws:SourceAccount, and a condition it does not meet breaks the channel.
      requireSourceAccount: false,
    }).role;

    // Chatbot creates /aws/chatbot/<configuration name> in us-east-1 on first use, never expiring
    // (aws-cdk-lib aws_chatbot README, "Log Group"). Created here first, it expires.
    // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_chatbot-readme.html
    const logs = new CloudwatchLogGroup(this, "logs", {
      provider: props.logsProvider,
      name: names.chatbotLogGroup(project),
      retentionInDays: CHATBOT_LOG_RETENTION_DAYS,
    });

    this.configuration = new ChatbotSlackChannelConfiguration(this, "channel", {
      provider,
      configurationName: names.chatbotConfiguration(project),
      iamRoleArn: this.role.arn,
      slackTeamId: props.slackTeamId,
      slackChannelId: props.slackChannelId,
      snsTopicArns: [...props.topicArns],
      guardrailPolicyArns: guardrails,
      loggingLevel: "ERROR",
      dependsOn: [logs],
    });
  }
}
