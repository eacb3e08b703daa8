/**
 * Key authentication, the scope table read from Clarifai's descriptor, the bootstrap user, and the key, scope and
 * password-validation endpoints.
 */
package dev.runneragent.auth;
