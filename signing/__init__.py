import warnings

# pyHanko imports cryptography's DSA key type to recognise such keys; the portal never makes DSA signatures.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko.*")
