/**
 * Reading configuration files, shared by every module that has them (fleets, catalogs, models, scenarios, server
 * settings): {@link org.colossus.fleet.config.YamlNode} (a YAML tree that knows its file and key path, so every
 * refusal reads {@code file: key.path = value: expected ...}), {@link org.colossus.fleet.config.Unit} (quantities
 * such as {@code "150 MW"} in SI base units), {@link org.colossus.fleet.config.Keys} and
 * {@link org.colossus.fleet.config.Resources} (bundled files). Public on purpose: formerly {@code internal}, but used
 * by three other modules.
 */
package org.colossus.fleet.config;
