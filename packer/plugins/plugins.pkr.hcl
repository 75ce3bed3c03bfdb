# The plugins the templates use, for Packer >= 1.7 (which no longer bundles them):
#   packer init packer/plugins
# once per machine, then build as usual. Kept out of the template directories: Packer 1.6 (Debian 12's) has the
# plugins built in and refuses a `packer { required_plugins }` block.
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    openstack = {
      source  = "github.com/hashicorp/openstack"
      version = "~> 1.1"
    }
    ansible = {
      source  = "github.com/hashicorp/ansible"
      version = "~> 1.1"
    }
  }
}
