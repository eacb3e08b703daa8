/**
 * Cross-cutting REST only: the JSON reader and writer of Clarifai messages, the request binder, statuses and their
 * HTTP mapping, and the exception mapper. Resources live in the feature packages.
 */
package dev.runneragent.api;
