package dev.gatehouse.secrets.process;

import java.nio.file.Path;

/**
 * Where {@link CryptoTask#exportKeyAsFile} wrote a key pair: both files are owner-only
 * ({@code rw-------}) in the process's work directory. Immutable.
 *
 * @param publicKey the {@code authorized_keys} line
 * @param privateKey the OpenSSH private key
 */
public record KeyFiles(Path publicKey, Path privateKey) {}
