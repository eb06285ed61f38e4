/**
 * The tamper-evident audit log, free of Flink: the canonical encoding of entries and checkpoints
 * ({@link dev.lethe.audit.CanonicalEncoding}, {@link dev.lethe.audit.EntryHasher}), per-entity hash
 * chains ({@link dev.lethe.audit.HashChain}), RFC 6962 Merkle trees and proofs ({@link
 * dev.lethe.audit.MerkleTree}, {@link dev.lethe.audit.MerkleFrontier}), Ed25519-signed checkpoints
 * ({@link dev.lethe.audit.TreeHeadSigner}, {@link dev.lethe.audit.SigningKeys}) and the verifier
 * that locates tampering ({@link dev.lethe.audit.AuditVerifier}). The byte-exact format is
 * docs/audit-format.md. And who makes a change ({@link dev.lethe.audit.Actor}): the {@code
 * lethe.actor} message Lethe's writers (the loader, the purge executor) start each transaction
 * with, which the audit job joins to the transaction's changes.
 */
package dev.lethe.audit;
