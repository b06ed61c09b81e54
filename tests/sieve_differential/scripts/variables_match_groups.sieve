require ["fileinto", "variables"];
if header :matches "subject" "*[*]*" {
  fileinto "tag-${2}";
  fileinto "pre-${1}";
}
if address :matches "from" "*@*" { fileinto "dom-${2}"; }
if header :matches "from" "*" { set "whole" "${0}"; }
if string :matches "${whole}" "?*" { fileinto "first-${1}"; }
