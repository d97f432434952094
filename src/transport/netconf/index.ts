/**
 * NETCONF over SSH, layered as ncclient: framing (RFC 6242) → session (hello, capabilities, message ids)
 * → operations (one definition per RFC 6241 RPC) → client (SSH subsystem, one method per operation).
 */
export { NetconfClient } from './client.js';
export type { DataReply, NetconfClientOptions } from './client.js';
export { NetconfSession } from './session.js';
export type { NetconfSessionOptions, RpcOptions } from './session.js';
export { BASE_1_0, BASE_1_1, Capabilities } from './capabilities.js';
export type { ModuleCapability } from './capabilities.js';
export { FrameDecoder, FramingError, encodeMessage } from './framing.js';
export type { Framing } from './framing.js';
export { dataXml } from './messages.js';
export type { RpcReply } from './messages.js';
export * as operations from './operations.js';
export { EDIT_OPERATIONS, editOperationAttribute } from './operations.js';
export type { CommitArgs, Datastore, DefaultOperation, EditConfigArgs, EditOperation, ErrorOption, TestOption, ValidateArgs } from './operations.js';
export {
  NETCONF_BASE_NS,
  attributeOf,
  childElements,
  element,
  escapeAttribute,
  escapeText,
  firstChild,
  innerXml,
  parseXml,
  rawXml,
  serializeXml,
  textOf,
  XmlSyntaxError,
} from './xml.js';
export type { RawXml, XmlAttribute, XmlContent, XmlElement, XmlNode } from './xml.js';
export * from './errors.js';
