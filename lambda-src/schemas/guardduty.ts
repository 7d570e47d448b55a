import * as z from "zod/mini";
import { lenient, num, numeric, str } from "./common";

/**
 * The parts of a GuardDuty finding the message shows.
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html
 */
const RemoteIpDetails = z.looseObject({
  ipAddressV4: str,
  ipAddressV6: str,
  country: lenient(z.looseObject({ countryName: str })),
  city: lenient(z.looseObject({ cityName: str })),
  organization: lenient(z.looseObject({ asnOrg: str, org: str, isp: str })),
});
export type RemoteIp = z.infer<typeof RemoteIpDetails>;

const Port = z.looseObject({ port: num, portName: str });

const Action = z.looseObject({
  actionType: str,
  awsApiCallAction: lenient(
    z.looseObject({
      api: str,
      serviceName: str,
      callerType: str,
      remoteIpDetails: lenient(RemoteIpDetails),
      remoteAccountDetails: lenient(z.looseObject({ accountId: str })),
      affectedResources: lenient(z.record(z.string(), z.unknown())),
    }),
  ),
  networkConnectionAction: lenient(
    z.looseObject({
      connectionDirection: str,
      protocol: str,
      remoteIpDetails: lenient(RemoteIpDetails),
      remotePortDetails: lenient(Port),
      localPortDetails: lenient(Port),
    }),
  ),
  portProbeAction: lenient(
    z.looseObject({
      portProbeDetails: lenient(z.array(z.looseObject({ localPortDetails: lenient(Port), remoteIpDetails: lenient(RemoteIpDetails) }))),
    }),
  ),
  dnsRequestAction: lenient(z.looseObject({ domain: str })),
  kubernetesApiCallAction: lenient(z.looseObject({ verb: str, requestUri: str, remoteIpDetails: lenient(RemoteIpDetails) })),
  rdsLoginAttemptAction: lenient(z.looseObject({ remoteIpDetails: lenient(RemoteIpDetails) })),
});
export type GuardDutyAction = z.infer<typeof Action>;

const Tag = z.looseObject({ key: str, value: str });
const Container = z.looseObject({ name: str, image: str, id: str });

const Resource = z.looseObject({
  resourceType: str,
  instanceDetails: lenient(z.looseObject({ instanceId: str, tags: lenient(z.array(Tag)) })),
  accessKeyDetails: lenient(z.looseObject({ accessKeyId: str, principalId: str, userName: str, userType: str })),
  s3BucketDetails: lenient(z.array(z.looseObject({ name: str, type: str }))),
  eksClusterDetails: lenient(z.looseObject({ name: str })),
  kubernetesDetails: lenient(
    z.looseObject({
      kubernetesUserDetails: lenient(z.looseObject({ username: str })),
      kubernetesWorkloadDetails: lenient(z.looseObject({ name: str, namespace: str, type: str })),
    }),
  ),
  rdsDbInstanceDetails: lenient(z.looseObject({ dbInstanceIdentifier: str, dbClusterIdentifier: str, engine: str })),
  rdsDbUserDetails: lenient(z.looseObject({ user: str, application: str })),
  lambdaDetails: lenient(z.looseObject({ functionName: str })),
  ecsClusterDetails: lenient(
    z.looseObject({
      name: str,
      taskDetails: lenient(z.looseObject({ definitionArn: str, containers: lenient(z.array(Container)) })),
    }),
  ),
  containerDetails: lenient(Container),
});
export type GuardDutyResource = z.infer<typeof Resource>;

export const GuardDutyFindingSchema = z.looseObject({
  type: z.string(),
  severity: numeric,
  id: str,
  arn: str,
  title: str,
  description: str,
  accountId: str,
  region: str,
  partition: str,
  schemaVersion: str,
  updatedAt: str,
  resource: lenient(Resource),
  service: lenient(
    z.looseObject({
      serviceName: str,
      action: lenient(Action),
      additionalInfo: lenient(z.looseObject({ sample: lenient(z.union([z.boolean(), z.string()])), value: str })),
      count: numeric,
      eventFirstSeen: str,
      eventLastSeen: str,
    }),
  ),
});
export type GuardDutyFinding = z.infer<typeof GuardDutyFindingSchema>;

/** A bare finding (what EventBridge puts in `detail`), recognised without its envelope. */
export function looksLikeGuardDutyFinding(f: GuardDutyFinding): boolean {
  return (
    f.service?.serviceName === "guardduty" ||
    (typeof f.arn === "string" && f.arn.includes(":guardduty:")) ||
    (f.schemaVersion !== undefined && f.severity !== undefined && f.resource !== undefined)
  );
}
