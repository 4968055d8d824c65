package io.qwenops.operator.status;

/**
 * Why a spec cannot be reconciled, worded for the person who has to fix it.
 *
 * @param reason a CamelCase condition reason, e.g. SecretNotFound
 * @param message what is wrong and what to do about it
 */
public record SpecProblem(String reason, String message) {}
