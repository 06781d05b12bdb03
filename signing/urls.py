from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("ky-so/van-ban/<int:pk>/", views.document_signatures, name="document_signatures"),
    path("ky-so/van-ban/<int:pk>/phien-ban/<int:number>/", views.version_download, name="version_download"),
    path("ky-so/van-ban/<int:pk>/tai-len/<str:role>/", views.signed_upload, name="signed_upload"),
    path("ky-so/van-ban/<int:pk>/ky-co-quan/", views.organisation_sign, name="organisation_sign"),
    # Home Affairs' list of whose certificate is whose.
    path("ky-so/chung-thu/", views.certificate_list, name="certificate_list"),
    path("ky-so/chung-thu/<int:pk>/ngung/", views.certificate_withdraw, name="certificate_withdraw"),
    # The USB token's signing plugin fetches and posts with a signed token instead of the browser's session.
    path("ky-so/plugin/<str:token>/tep.pdf", views.plugin_file, name="plugin_file"),
    path("ky-so/plugin/<str:token>/nhan/", views.plugin_upload, name="plugin_upload"),
    # Public: anyone holding a paper checks it here (no login).
    path("xac-minh/", views.verify, name="verify"),
]
