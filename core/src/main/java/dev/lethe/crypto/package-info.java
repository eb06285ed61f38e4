/**
 * Crypto-shredding of values: {@link dev.lethe.crypto.SubjectCipher} encrypts a value so that it
 * reads only while every data subject it is about still has its key; the envelope format is in
 * docs/audit-format.md, "Encrypted values".
 */
package dev.lethe.crypto;
