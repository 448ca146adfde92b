// @peculiar/x509 with what it needs loaded first: tsyringe (inside it)
// requires the Reflect metadata polyfill before it is evaluated, and the
// crypto provider is node's WebCrypto. Import x509 from here, never directly.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export * from '@peculiar/x509';
