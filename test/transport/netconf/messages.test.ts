import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Capabilities,
  NETCONF_BASE_NS,
  XmlSyntaxError,
  childElements,
  editOperationAttribute,
  element,
  firstChild,
  innerXml,
  operations,
  parseXml,
  textOf,
} from '../../../src/transport/netconf/index.js';
import { classifyMessage, negotiateBase, parseServerHello } from '../../../src/transport/netconf/messages.js';

/** Real captures (copied from the shared dossier's real-outputs, source line kept). */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('XML parsing', () => {
  it('resolves namespaces by prefix and default, decodes entities and keeps CDATA raw', () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<a xmlns="u:a" xmlns:b="u:b"><b:c x="&lt;&#65;">t &amp; &#x42;<![CDATA[<raw>&amp;]]></b:c><d xml:lang="en"/></a>',
    );
    const c = firstChild(root, 'c', 'u:b');
    expect(root.namespace).toBe('u:a');
    expect(c?.attributes[0]?.value).toBe('<A');
    expect(c ? textOf(c) : undefined).toBe('t & B<raw>&amp;');
    expect(firstChild(root, 'd', 'u:a')?.attributes[0]?.namespace).toBe('http://www.w3.org/XML/1998/namespace');
  });

  it.each([
    ['unclosed element', '<a><b></a>', /Expected closing tag 'b'/],
    ['two roots', '<a/><b/>', /exactly one root element, found 2/],
    ['a DTD', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DTD/],
    ['an unknown entity', '<a>&nbsp;</a>', /unknown entity &nbsp;/],
    ['a bare ampersand', '<a>fish & chips</a>', /'&' is not expected/],
    ['an undeclared prefix', '<x:a/>', /undeclared namespace prefix 'x'/],
    ['text after the root', '<a></a>tail', /Extra text at the end/],
    ['text after a self-closed root', '<a/>tail', /text after the root element: "<a\/>tail"/],
  ])('refuses %s', (_what, text, reason) => {
    expect(() => parseXml(text)).toThrow(XmlSyntaxError);
    expect(() => parseXml(text)).toThrow(reason);
  });

  it('serialises a subtree with the namespaces it uses declared, so it parses alone', () => {
    const root = parseXml(
      '<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ct="urn:t"><data><ct:trust><ct:id>A&amp;B</ct:id></ct:trust></data></rpc-reply>',
    );
    const data = firstChild(root, 'data', NETCONF_BASE_NS);
    const xml = data ? innerXml(data) : '';
    const again = parseXml(xml);
    expect(again.namespace).toBe('urn:t');
    expect(textOf(again)).toBe('A&B');
  });
});

describe('hello', () => {
  it('reads the real IOS XE 17.15.1 C8000v capabilities (YangModels capability-c8000v.xml)', () => {
    const text = readFileSync(join(FIXTURES, 'netconf_hello_c8000v_17_15_1.txt'), 'utf8').replace(/^# source:.*\n/, '');
    // The capture has no session-id (it is a capability list, not a wire hello); a device adds one.
    const hello = parseServerHello(parseXml(text.replace('</capabilities>', '</capabilities><session-id>42</session-id>')));
    const caps = hello.capabilities;
    expect(hello.sessionId).toBe(42);
    expect(caps.has(':candidate')).toBe(true);
    expect(caps.has(':writable-running')).toBe(true);
    expect(caps.has(':validate:1.1')).toBe(true);
    expect(caps.has(':rollback-on-error')).toBe(true);
    expect(caps.has(':confirmed-commit')).toBe(false);
    expect(caps.has(':startup')).toBe(false);
    expect(negotiateBase(['urn:ietf:params:netconf:base:1.0', 'urn:ietf:params:netconf:base:1.1'], caps)).toBe('1.1');
    const module = caps.modules().find((m) => m.module === 'openconfig-interfaces');
    expect(module?.deviations).toContain('cisco-xe-openconfig-interfaces-deviation');
    expect(caps.has('http://tail-f.com/ns/netconf/actions/1.0')).toBe(true);
  });

  it('needs a session-id and a common base version', () => {
    const noId = parseXml(`<hello xmlns="${NETCONF_BASE_NS}"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>`);
    expect(() => parseServerHello(noId)).toThrow(/no <session-id>/);
    const caps = new Capabilities(['urn:ietf:params:netconf:base:1.1']);
    expect(() => negotiateBase(['urn:ietf:params:netconf:base:1.0'], caps)).toThrow(/no common base protocol.*server offers urn:ietf:params:netconf:base:1.1/);
  });
});

describe('rpc-reply', () => {
  it('keeps every rpc-error with all its fields (netconfd lock-denied and bad-value errors in one reply)', () => {
    const reply = classifyMessage(`<rpc-reply message-id="9" xmlns="${NETCONF_BASE_NS}" xmlns:ct="urn:t">
  <rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag><error-severity>error</error-severity>
    <error-message xml:lang="en">lock denied</error-message><error-info><session-id>4</session-id></error-info></rpc-error>
  <rpc-error><error-type>protocol</error-type><error-tag>invalid-value</error-tag><error-severity>error</error-severity>
    <error-app-tag>not-in-value-set</error-app-tag><error-path>/ct:trust/ct:trustpoint[ct:id='A']</error-path>
    <error-message xml:lang="en">value not in set</error-message>
    <error-info><bad-value xmlns="http://netconfcentral.org/ns/yuma-ncx">bogus</bad-value></error-info></rpc-error>
  <rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>warning</error-severity></rpc-error>
</rpc-reply>`);
    expect(reply.kind).toBe('rpc-reply');
    if (reply.kind !== 'rpc-reply') return;
    expect(reply.messageId).toBe('9');
    expect(reply.errors.map((e) => [e.tag, e.severity])).toEqual([
      ['lock-denied', 'error'],
      ['invalid-value', 'error'],
      ['operation-failed', 'warning'],
    ]);
    expect(reply.errors[0]?.info['session-id']).toBe('4');
    expect(reply.errors[1]).toMatchObject({
      type: 'protocol',
      appTag: 'not-in-value-set',
      path: "/ct:trust/ct:trustpoint[ct:id='A']",
      message: 'value not in set',
      info: { 'bad-value': 'bogus' },
    });
    expect(reply.errors[1]?.infoXml).toContain('xmlns="http://netconfcentral.org/ns/yuma-ncx"');
  });

  it('refuses a message that is not an rpc-reply in the base namespace', () => {
    expect(() => classifyMessage('<rpc-reply message-id="1"><ok/></rpc-reply>')).toThrow(/expected <rpc-reply> in urn:ietf:params:xml:ns:netconf:base:1.0/);
  });
});

describe('operations build RFC 6241 requests', () => {
  it('edit-config: options in schema order, nc declared on <config>, values escaped', () => {
    const xml = operations.editConfig.build({
      target: 'candidate',
      defaultOperation: 'none',
      testOption: 'test-then-set',
      errorOption: 'rollback-on-error',
      config: '<trust xmlns="urn:t"><trustpoint nc:operation="remove"><id>A&amp;B</id></trustpoint></trust>',
    });
    const root = parseXml(`<rpc xmlns="${NETCONF_BASE_NS}">${xml}</rpc>`);
    const edit = childElements(root)[0];
    expect(edit ? childElements(edit).map((c) => c.name) : []).toEqual(['target', 'default-operation', 'test-option', 'error-option', 'config']);
    const trustpoint = parseXml(xml).children.find((c) => typeof c !== 'string' && c.name === 'config');
    expect(JSON.stringify(trustpoint)).toContain('"namespace":"urn:ietf:params:xml:ns:netconf:base:1.0","value":"remove"');
    expect(operations.editConfig.requires({ target: 'candidate', config: '<a/>', testOption: 'set', errorOption: 'rollback-on-error' })).toEqual([
      ':candidate',
      ':validate',
      ':rollback-on-error',
    ]);
    expect(operations.editConfig.requires({ target: 'running', config: '<a/>', testOption: 'test-only' })).toEqual([':writable-running', ':validate:1.1']);
    expect(operations.editConfig.requires({ target: 'running', config: '<a/>' })).toEqual([':writable-running']);
  });

  it('builds config with the element helper: text escaped, nc:operation from editOperationAttribute', () => {
    const config = element('trust', [element('trustpoint', [element('id', 'A<&>B')], editOperationAttribute('delete'))], { xmlns: 'urn:t' }).raw;
    expect(config).toBe('<trust xmlns="urn:t"><trustpoint nc:operation="delete"><id>A&lt;&amp;&gt;B</id></trustpoint></trust>');
    expect(operations.editConfig.build({ target: 'running', config })).toContain('<config xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><trust');
  });

  it('edit-config refuses an unknown nc:operation, malformed config and an empty one', () => {
    expect(() => operations.editConfig.build({ target: 'running', config: '<a nc:operation="upsert"/>' })).toThrow(
      /nc:operation="upsert" on <a> is not one of merge, replace, create, delete, remove/,
    );
    expect(() => operations.editConfig.build({ target: 'running', config: '<a><b></a>' })).toThrow(/config is not well-formed XML/);
    expect(() => operations.editConfig.build({ target: 'running', config: '  ' })).toThrow(/holds no element/);
  });

  it('commit: confirmed with timeout and persist, and the capabilities they need', () => {
    expect(operations.commit.build({ confirmed: true, confirmTimeoutSeconds: 120, persist: 'tok<1>' })).toBe(
      '<commit><confirmed/><confirm-timeout>120</confirm-timeout><persist>tok&lt;1&gt;</persist></commit>',
    );
    expect(operations.commit.requires({ confirmed: true, persist: 'x' })).toEqual([':candidate', ':confirmed-commit', ':confirmed-commit:1.1']);
    expect(() => operations.commit.build({ confirmTimeoutSeconds: 0, confirmed: true })).toThrow(/confirm-timeout 0/);
    expect(() => operations.commit.build({ persist: 'x' })).toThrow(/persist is only meaningful with confirmed/);
  });

  it('get-config with a subtree filter, kill-session, validate and a vendor RPC', () => {
    expect(operations.getConfig.build({ source: 'running', filter: '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><crypto/></native>' })).toBe(
      '<get-config><source><running/></source><filter type="subtree"><native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><crypto/></native></filter></get-config>',
    );
    expect(operations.killSession.build({ sessionId: 7 })).toBe('<kill-session><session-id>7</session-id></kill-session>');
    expect(() => operations.killSession.build({ sessionId: 0 })).toThrow(/session-id 0/);
    expect(operations.validate.build({ source: 'candidate' })).toBe('<validate><source><candidate/></source></validate>');
    const cli = operations.customRpc(
      '<config-ios-cli-rpc xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc"><config-clis>no ip http server</config-clis></config-ios-cli-rpc>',
    );
    expect(cli.name).toBe('config-ios-cli-rpc');
    expect(() => operations.customRpc('<a/><b/>')).toThrow(/one element; found 2/);
  });
});
