/**
 * The Slack notifier: one Lambda in the home region, subscribed to every regional alert topic
 * (SNS delivers to a function in another region). The webhook URL stays in an SSM SecureString:
 * Terraform only grants read access to the parameter's ARN and passes its name, never its value.
 *
 * Failures are loud: Lambda retries asynchronous invocations, sends what still fails to an
 * encrypted SQS queue, and alarms on that queue (and on what Lambda loses without it) feed the home
 * region's delivery-health topic, so a broken notifier reaches email and Chatbot. Each subscription (to the alert topic and
 * to the health topic of every region) redrives to a dead-letter queue in its own region, since
 * "the Amazon SNS subscription and Amazon SQS queue must be under the same AWS account and Region":
 * https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
 */
import { Construct } from "constructs";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { names } from "../../config/names";
import { snsToLambda } from "../../config/regions";
import { severityFloor, type SeverityWord } from "../../detection/severity";
import { notifierEnvironment, type WebhookRoute } from "../../lambda-src/contract";
import { METRIC_DIMENSION, METRIC_NAMESPACE, NOTIFIER_METRICS } from "../../lambda-src/metrics";
import { bundleNotifier, NOTIFIER_HANDLER } from "../notifier/bundle";
import { replayCommand } from "../replay-command";
import type { AlertTopic } from "./alert-topic";
import type { BaseProps } from "./base-props";
import { DeadLetterQueue } from "./dead-letter-queue";
import { ServiceRole } from "./service-role";

export interface NotifierTopic {
  readonly region: string;
  /** The provider of the topic's region: the subscription lives with the topic. */
  readonly provider: AwsProvider;
  readonly alerts: AlertTopic;
}

export interface SlackNotifierProps extends BaseProps {
  /** The home region's provider: the function, its role, queue and alarms live there. */
  readonly provider: AwsProvider;
  /** The home region (the provider's region). */
  readonly region: string;
  /** SSM SecureString parameter holding the default webhook URL. */
  readonly webhookParameter: string;
  /** Severity floors routed to other webhooks. @default none */
  readonly routes?: ReadonlyArray<{ readonly minSeverity: SeverityWord | number; readonly webhookParameter: string }>;
  /** Concurrent runs reserved for the function; false reserves none. @default 2 */
  readonly reservedConcurrency?: number | false;
  /** Account id -> name shown in messages. @default none */
  readonly accountNames?: Readonly<Record<string, string>>;
  /** Every regional alert topic to subscribe to. */
  readonly topics: readonly NotifierTopic[];
  /** The home region's topic; its health topic gets the notifier's own alarms. */
  readonly alarmTopic: AlertTopic;
}

/** Slack allows about one message per second per webhook; two at a time stays near that. */
const DEFAULT_RESERVED_CONCURRENCY = 2;

export class SlackNotifier extends Construct {
  readonly function: LambdaFunction;
  readonly failures: SqsQueue;
  readonly role: IamRole;
  /** Region -> the dead-letter queue its subscriptions redrive to. */
  readonly deadLetters: ReadonlyMap<string, DeadLetterQueue>;

  constructor(scope: Construct, id: string, props: SlackNotifierProps) {
    super(scope, id);
    const { provider, region, account, project } = props;
    const functionName = names.notifierFunction(project);
    const routes: WebhookRoute[] = (props.routes ?? []).map((r) => ({
      minSeverity: severityFloor(r.minSeverity),
      parameter: r.webhookParameter,
    }));
    const parameters = [props.webhookParameter, ...routes.map((r) => r.parameter)];
    // A parameter named /a/b has the ARN ...:parameter/a/b.
    const parameterArns = parameters.map((p) => account.arn("ssm", region, `parameter${p}`));

    this.failures = new SqsQueue(this, "failures", {
      provider,
      name: names.notifierFailureQueue(project),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    const logGroup = new CloudwatchLogGroup(this, "logs", { provider, name: `/aws/lambda/${functionName}`, retentionInDays: 90 });

    this.role = new ServiceRole(this, "role", {
      provider,
      account,
      service: "lambda.amazonaws.com",
      name: functionName,
      description: "threat-alerts: the Slack notifier reads its webhook parameter and writes its logs",
      policyName: "notifier",
      statements: [
        { sid: "Logs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.arn}:*`] },
        {
          sid: "ReadWebhookParameters",
          actions: ["ssm:GetParameter"],
          resources: parameterArns,
        },
        {
          // SecureStrings are decrypted by SSM on the function's behalf, with whichever key they use,
          // and SSM passes the parameter's ARN as encryption context: only these parameters decrypt.
          // https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
          sid: "DecryptWebhookViaSsm",
          actions: ["kms:Decrypt"],
          resources: [account.arn("kms", region, "key/*")],
          condition: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`ssm.${region}.amazonaws.com`] },
            { test: "StringEquals", variable: "kms:EncryptionContext:PARAMETER_ARN", values: parameterArns },
          ],
        },
        { sid: "OnFailureDestination", actions: ["sqs:SendMessage"], resources: [this.failures.arn] },
      ],
    }).role;

    const bundle = bundleNotifier();
    const code = new TerraformAsset(this, "code", { path: bundle.zipPath, type: AssetType.FILE });
    this.function = new LambdaFunction(this, "function", {
      provider,
      functionName,
      description: "threat-alerts: formats alerts as Slack messages",
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: NOTIFIER_HANDLER,
      filename: code.path,
      sourceCodeHash: bundle.sha256,
      memorySize: 256,
      timeout: 30,
      reservedConcurrentExecutions:
        props.reservedConcurrency === false ? undefined : (props.reservedConcurrency ?? DEFAULT_RESERVED_CONCURRENCY),
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      environment: {
        variables: notifierEnvironment({ webhookParameter: props.webhookParameter, routes, accountNames: props.accountNames ?? {} }),
      },
      dependsOn: [logGroup],
    });

    new LambdaFunctionEventInvokeConfig(this, "async", {
      provider,
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.failures.arn } },
    });

    const deadLetters = new Map<string, DeadLetterQueue>();
    const dlqName = names.notifierDeadLetterQueue(project);
    for (const t of props.topics) {
      // A topic in an opt-in region invokes through its regional SNS principal; the config refuses
      // the pairs AWS cannot deliver at all (config/regions.ts snsToLambda).
      const delivery = snsToLambda(t.region, region);
      if ("unsupported" in delivery) throw new Error(`internal: ${delivery.unsupported}`);
      const dlq = new DeadLetterQueue(this, `dlq-${t.region}`, {
        provider: t.provider,
        name: dlqName,
        sender: "sns.amazonaws.com",
        sourceArns: [t.alerts.topic.arn, t.alerts.health.topic.arn],
        alarmDescription: `SNS could not deliver alerts of ${t.region} to the Slack notifier (${functionName}) and they wait in ${dlqName}: Slack is missing them (email and Chatbot got them). Check the function's permissions and logs, then replay: ${replayCommand(dlqName, t.region, functionName)}`,
        alarmTopicArns: [t.alerts.health.topic.arn],
      });
      deadLetters.set(t.region, dlq);
      const redrivePolicy = Fn.jsonencode({ deadLetterTargetArn: dlq.queue.arn });

      // One permission per topic, scoped by its ARN: no other topic can invoke the function.
      new LambdaPermission(this, `invoke-${t.region}`, {
        provider,
        statementId: `sns-${t.region}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: delivery.principal,
        sourceArn: t.alerts.topic.arn,
      });
      new SnsTopicSubscription(this, `subscription-${t.region}`, {
        provider: t.provider,
        topicArn: t.alerts.topic.arn,
        protocol: "lambda",
        endpoint: this.function.arn,
        redrivePolicy,
      });
      // The health topic reaches Slack too, so a broken alert topic is heard where alerts are read.
      new LambdaPermission(this, `invoke-health-${t.region}`, {
        provider,
        statementId: `sns-health-${t.region}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: delivery.principal,
        sourceArn: t.alerts.health.topic.arn,
      });
      new SnsTopicSubscription(this, `subscription-health-${t.region}`, {
        provider: t.provider,
        topicArn: t.alerts.health.topic.arn,
        protocol: "lambda",
        endpoint: this.function.arn,
        redrivePolicy,
      });
    }
    this.deadLetters = deadLetters;

    // Alarm on what was lost, not on retries. The function fails only when a record was not
    // delivered; Lambda then retries twice and hands the event to the failure queue, whose alarm is
    // the "lost" signal. Beside it, Lambda's own async metrics: DestinationDeliveryFailures (the
    // failure queue itself refused the event: lost without a record) and AsyncEventsDropped (events
    // dropped without a successful run, for any reason: retries exhausted, too old, throttled away;
    // Lambda sends them to the on-failure destination first, so this is a second witness that does
    // not depend on the queue).
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#async-invocation-metrics
    const alarmActions = [props.alarmTopic.health.topic.arn];
    const anyInFiveMinutes = {
      provider,
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      statistic: "Sum",
      alarmActions,
    };
    const lambdaMetric = (metricName: string) => ({
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: this.function.functionName },
    });
    const notifierMetric = (metricName: string) => ({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensions: { [METRIC_DIMENSION]: this.function.functionName },
    });

    // Errors stays, but sustained (3 of 3 five-minute periods) rather than removed: a single failed
    // attempt is often a burst or a blip that a Lambda retry delivers (retries come within minutes),
    // while errors in every period for 15 minutes mean the notifier is broken right now, before the
    // failure queue has filled. Keeping it also keeps its resource address.
    new CloudwatchMetricAlarm(this, "errors-alarm", {
      ...anyInFiveMinutes,
      ...lambdaMetric("Errors"),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      alarmName: `${functionName}-errors`,
      alarmDescription:
        "The threat-alerts Slack notifier has failed in every 5-minute period for 15 minutes. Lambda's retries may still deliver some alerts; what is finally lost lands in the failures queue (its own alarm). Check the function's logs.",
    });
    new CloudwatchMetricAlarm(this, "failures-alarm", {
      ...anyInFiveMinutes,
      statistic: "Maximum",
      alarmName: `${names.notifierFailureQueue(project)}-waiting`,
      alarmDescription: `Alerts the Slack notifier could not deliver after retries are waiting in its failures queue. Fix the cause (its logs say why), then replay: ${replayCommand(names.notifierFailureQueue(project), region)}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.failures.name },
    });
    new CloudwatchMetricAlarm(this, "destination-failures-alarm", {
      ...anyInFiveMinutes,
      ...lambdaMetric("DestinationDeliveryFailures"),
      alarmName: `${functionName}-destination-failures`,
      alarmDescription: `Lambda could not put failed Slack notifier events into the failures queue ${names.notifierFailureQueue(project)}: those alerts are lost with no record (Slack missed them; email and Chatbot got them). Check the queue exists and the function's role may sqs:SendMessage to it.`,
    });
    new CloudwatchMetricAlarm(this, "dropped-alarm", {
      ...anyInFiveMinutes,
      ...lambdaMetric("AsyncEventsDropped"),
      alarmName: `${functionName}-events-dropped`,
      alarmDescription:
        "Lambda dropped events meant for the threat-alerts Slack notifier: Slack missed those alerts (email and Chatbot got them). Check the failures queue for their records, and the function's throttles and concurrency.",
    });

    // Delivered but degraded: the alert reached Slack, yet something needs fixing before it costs one.
    const degraded: ReadonlyArray<[id: string, metric: string, what: string]> = [
      [
        "routing-failed-alarm",
        NOTIFIER_METRICS.RoutingFailed,
        "a severity route's webhook parameter could not be used, so alerts went to the default webhook",
      ],
      [
        "plain-text-alarm",
        NOTIFIER_METRICS.PlainTextFallback,
        "Slack refused the formatted message (HTTP 400), so alerts were re-posted as plain text",
      ],
      [
        "settings-alarm",
        NOTIFIER_METRICS.SettingsProblems,
        "the function's WEBHOOK_ROUTES or ACCOUNT_NAMES setting is malformed and was ignored",
      ],
    ];
    for (const [id, metric, what] of degraded) {
      new CloudwatchMetricAlarm(this, id, {
        ...anyInFiveMinutes,
        ...notifierMetric(metric),
        alarmName: `${functionName}-${metric}`,
        alarmDescription: `Alerts reached Slack, degraded: ${what}. Check the function's logs (${metric}) and fix the cause.`,
      });
    }
  }
}
