package io.chora.cli;

import io.chora.jdbc.ChoraDriver;
import picocli.CommandLine;

/**
 * A site id given on the command line ({@code --site NAME}): checked as it is read, so a bad one is
 * a usage error naming the option, before any file is opened or made.
 */
final class SiteIdConverter implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String text) {
    if (!ChoraDriver.isValidSiteId(text)) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a site id: a site id is " + ChoraDriver.SITE_ID_RULE);
    }
    return text;
  }
}
