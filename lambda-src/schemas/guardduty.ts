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

/**
 * Extended Threat Detection: an attack sequence finding carries its story in
 * `service.detection.sequence`. Wire names are the API's JSON names (the SDK model's `jsonName`).
 * Timestamps are epoch seconds on the API; ISO strings and epoch milliseconds are accepted too.
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Sequence.html (Signal, Actor,
 * NetworkEndpoint, ResourceV2, Indicator)
 */
const Timestamp = lenient(z.union([z.number(), z.string()]));
const Indicator = z.looseObject({ key: str, values: lenient(z.array(z.string())), title: str });
const Signal = z.looseObject({
  uid: str,
  type: str,
  name: str,
  description: str,
  severity: num,
  count: num,
  createdAt: Timestamp,
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  actorIds: lenient(z.array(z.string())),
  endpointIds: lenient(z.array(z.string())),
  resourceUids: lenient(z.array(z.string())),
});
export type SequenceSignal = z.infer<typeof Signal>;
const Actor = z.looseObject({
  id: str,
  user: lenient(
    z.looseObject({
      name: str,
      uid: str,
      type: str,
      credentialUid: str,
      account: lenient(z.looseObject({ uid: str, account: str })),
    }),
  ),
  session: lenient(z.looseObject({ uid: str, mfaStatus: str, createdTime: Timestamp, issuer: str })),
  process: lenient(z.looseObject({ name: str, path: str })),
});
export type SequenceActor = z.infer<typeof Actor>;
const Endpoint = z.looseObject({
  id: str,
  ip: str,
  domain: str,
  port: num,
  location: lenient(z.looseObject({ city: str, country: str })),
  autonomousSystem: lenient(z.looseObject({ name: str, number: num })),
  connection: lenient(z.looseObject({ direction: str })),
});
export type SequenceEndpoint = z.infer<typeof Endpoint>;
const ResourceV2 = z.looseObject({ uid: str, name: str, resourceType: str, accountId: str, region: str, service: str });
export type SequenceResource = z.infer<typeof ResourceV2>;
/** Lists that are malformed as a whole become undefined; a malformed item is dropped. */
const listOf = <T extends z.ZodMiniType>(item: T) =>
  lenient(
    z.pipe(
      z.array(z.unknown()),
      z.transform((xs) =>
        xs.flatMap((x) => {
          const r = item.safeParse(x);
          return r.success ? [r.data as z.infer<T>] : [];
        }),
      ),
    ),
  );
const Sequence = z.looseObject({
  uid: str,
  description: str,
  signals: listOf(Signal),
  actors: listOf(Actor),
  endpoints: listOf(Endpoint),
  resources: listOf(ResourceV2),
  sequenceIndicators: listOf(Indicator),
});
export type AttackSequence = z.infer<typeof Sequence>;

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
      detection: lenient(z.looseObject({ sequence: lenient(Sequence) })),
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
