"""CSV import and export of usages (owned by the CSV work; filled in next)."""

from rest_framework import exceptions
from rest_framework.views import APIView


class UsageImportView(APIView):
    def post(self, request):
        raise exceptions.MethodNotAllowed("POST")


class UsageExportView(APIView):
    def get(self, request):
        raise exceptions.MethodNotAllowed("GET")
