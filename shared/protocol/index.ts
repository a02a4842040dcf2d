/** swarmgrid wire protocol: topics, access rules, message codecs, signers, replay guard. */
export * from './ids';
export * from './topics';
export * from './acl';
export * from './messages';
export type { KindSpec } from './spec';
