// Puppet's registered certificate extension OIDs and their short names
// (lib/puppet/ssl/oids.rb), so that csr_attributes.yaml, `cert print` and
// auth rules can speak of `pp_role` rather than 1.3.6.1.4.1.34380.1.1.13.

export const PUPPET_ARC = '1.3.6.1.4.1.34380';
export const PP_REG_CERT_EXT = `${PUPPET_ARC}.1.1`;
export const PP_PRIV_CERT_EXT = `${PUPPET_ARC}.1.2`;
export const PP_AUTH_CERT_EXT = `${PUPPET_ARC}.1.3`;
export const PP_CLI_AUTH = `${PP_AUTH_CERT_EXT}.39`;
export const PP_AUTH_AUTO_RENEW = `${PP_AUTH_CERT_EXT}.2`;

export const OID_SAN = '2.5.29.17';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_SKI = '2.5.29.14';
export const OID_AKI = '2.5.29.35';
export const OID_CRL_NUMBER = '2.5.29.20';
export const OID_NETSCAPE_COMMENT = '2.16.840.1.113730.1.13';
export const OID_CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
export const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

const REG_NAMES = [
  'pp_uuid', 'pp_instance_id', 'pp_image_name', 'pp_preshared_key', 'pp_cost_center', 'pp_product', 'pp_project',
  'pp_application', 'pp_service', 'pp_employee', 'pp_created_by', 'pp_environment', 'pp_role', 'pp_software_version',
  'pp_department', 'pp_cluster', 'pp_provisioner', 'pp_region', 'pp_datacenter', 'pp_zone', 'pp_network',
  'pp_securitypolicy', 'pp_cloudplatform', 'pp_apptier', 'pp_hostname', 'pp_owner',
];

export const SHORT_NAME_BY_OID = new Map<string, string>();
REG_NAMES.forEach((n, i) => SHORT_NAME_BY_OID.set(`${PP_REG_CERT_EXT}.${i + 1}`, n));
SHORT_NAME_BY_OID.set(`${PP_AUTH_CERT_EXT}.1`, 'pp_authorization');
SHORT_NAME_BY_OID.set(PP_AUTH_AUTO_RENEW, 'pp_auth_auto_renew');
SHORT_NAME_BY_OID.set(`${PP_AUTH_CERT_EXT}.13`, 'pp_auth_role');
SHORT_NAME_BY_OID.set(PP_CLI_AUTH, 'pp_cli_auth');

export const OID_BY_SHORT_NAME = new Map<string, string>([...SHORT_NAME_BY_OID].map(([o, n]) => [n, o]));

const OID_RE = /^[0-2](\.(0|[1-9]\d*))+$/;

/** An OID from a short name (pp_role) or a dotted OID; undefined for anything else. */
export function resolveOid(nameOrOid: string): string | undefined {
  const byName = OID_BY_SHORT_NAME.get(nameOrOid);
  if (byName) return byName;
  return OID_RE.test(nameOrOid) ? nameOrOid : undefined;
}

/** The short name where Puppet has one, else the OID itself. */
export function shortName(oid: string): string {
  return SHORT_NAME_BY_OID.get(oid) ?? oid;
}

export const isUnder = (oid: string, arc: string): boolean => oid.startsWith(arc + '.');
/** pp_* extensions a CA may copy from a CSR: registered, private and authorization ones. */
export const isPuppetExtension = (oid: string): boolean =>
  isUnder(oid, PP_REG_CERT_EXT) || isUnder(oid, PP_PRIV_CERT_EXT) || isUnder(oid, PP_AUTH_CERT_EXT);
